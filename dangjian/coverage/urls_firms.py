"""Pages of the coverage work: firms."""

urlpatterns = []
