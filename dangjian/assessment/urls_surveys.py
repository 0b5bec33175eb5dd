"""URLs of the assessment surveys pages."""
urlpatterns: list = []
