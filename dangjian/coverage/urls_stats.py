"""Pages of the coverage work: coverage statistics (mounted at /coverage/stats/)."""
from django.urls import path

from .views import stats

urlpatterns = [
    path("", stats.stats, name="stats"),
    path("xlsx/", stats.stats_xlsx, name="stats_xlsx"),
]
