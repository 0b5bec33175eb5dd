"""Pages of the coverage work: buildings."""

urlpatterns = []
