"""Pages of the coverage work: admission."""

urlpatterns = []
