"""Pages of the coverage work: contacts."""

urlpatterns = []
