"""URLs of the requests pages (see urls.py)."""
from django.urls import path

from .views import requests, resident

urlpatterns = [
    path("requests/", requests.request_list, name="requests"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/step/<slug:action>/", requests.request_step, name="request_step"),
    path("requests/<int:pk>/reveal/", requests.reveal, name="request_reveal"),
    path("requests/photos/<int:pk>/", requests.attachment, name="request_attachment"),
    path("supervision/", requests.supervision, name="supervision"),
    path("my/", resident.my_requests, name="my_requests"),
    path("my/new/", resident.my_request_new, name="my_request_new"),
    path("my/<int:pk>/", resident.my_request, name="my_request"),
]
