"""Pages of the coverage work, under /coverage/. Each part keeps its own URL list."""
from django.urls import include, path

app_name = "coverage"

urlpatterns = [
    path("firms/", include("dangjian.coverage.urls_firms")),
    path("buildings/", include("dangjian.coverage.urls_buildings")),
    path("contacts/", include("dangjian.coverage.urls_contacts")),
    path("affairs/", include("dangjian.coverage.urls_admission")),
    path("themes/", include("dangjian.coverage.urls_themes")),
    path("stats/", include("dangjian.coverage.urls_stats")),
]
