"""URLs of the requests pages (see urls.py)."""
urlpatterns = []
