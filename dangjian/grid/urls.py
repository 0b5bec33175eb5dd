"""The grid pages under /grid/: grids and households, requests (staff and residents), teams,
indicators and Open311 clients. Each area keeps its own list of routes."""
from . import urls_grids, urls_requests, urls_teams
from .open311.admin_urls import urlpatterns as clients_urls

app_name = "grid"

urlpatterns = urls_grids.urlpatterns + urls_requests.urlpatterns + urls_teams.urlpatterns + clients_urls
