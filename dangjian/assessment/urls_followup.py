"""URLs of the assessment followup pages."""
urlpatterns: list = []
