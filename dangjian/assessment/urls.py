"""Pages of the assessment work, under /assessment/. Each part keeps its own URL list."""
from django.urls import include, path

app_name = "assessment"

urlpatterns = [
    path("", include("dangjian.assessment.urls_cycles")),
    path("schemes/", include("dangjian.assessment.urls_schemes")),
    path("surveys/", include("dangjian.assessment.urls_surveys")),
    path("", include("dangjian.assessment.urls_followup")),
]
