"""URLs of the grids pages (see urls.py)."""
urlpatterns = []
