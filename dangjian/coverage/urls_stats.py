"""Pages of the coverage work: stats."""

urlpatterns = []
