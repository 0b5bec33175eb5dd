"""URLs of the assessment schemes pages (under /assessment/schemes/)."""
from django.urls import path

from .views import schemes

urlpatterns = [
    path("", schemes.scheme_list, name="schemes"),
    path("<int:pk>/", schemes.scheme_detail, name="scheme"),
    path("<int:pk>/copy/", schemes.scheme_copy, name="scheme_copy"),
    path("<int:pk>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path("<int:pk>/publish/", schemes.scheme_publish, name="scheme_publish"),
    path("<int:pk>/retire/", schemes.scheme_retire, name="scheme_retire"),
]
