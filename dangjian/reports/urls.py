"""Pages of the statistics and reports (mounted at /reports/)."""
from django.urls import path

from .views import dashboard, monthly, packs, records, screen, tables

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("figures/<str:path>/", dashboard.figure, name="figure"),
    path("organizations/", records.organizations, name="organizations"),
    path("members/", records.members, name="members"),
    path("screen/", screen.screen, name="screen"),
    path("tables/", tables.table_list, name="tables"),
    path("tables/<slug:code>/", tables.table, name="table"),
    path("tables/<slug:code>/xlsx/", tables.table_xlsx, name="table_xlsx"),
    path("packs/", packs.pack_list, name="packs"),
    path("packs/<int:pk>/status/", packs.pack_status, name="pack_status"),
    path("packs/<int:pk>/download/", packs.pack_download, name="pack_download"),
    path("monthly/", monthly.monthly_list, name="monthly"),
    path("monthly/<int:pk>/", monthly.monthly_detail, name="monthly_detail"),
]
