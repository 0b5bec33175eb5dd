"""URLs of the assessment schemes pages."""
urlpatterns: list = []
