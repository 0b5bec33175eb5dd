"""URLs of the assessment cycles pages."""
urlpatterns: list = []
