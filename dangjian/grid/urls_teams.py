"""URLs of the teams pages (see urls.py)."""
urlpatterns = []
