"""Pages of the coverage work: themes."""

urlpatterns = []
