"""The Open311 client pages under /grid/ (included by ``dangjian/grid/urls.py``)."""
from django.urls import path

from ..views import clients

urlpatterns = [
    path("open311-clients/", clients.clients, name="clients"),
    path("open311-clients/new/", clients.client_new, name="client_new"),
    path("open311-clients/<int:pk>/revoke/", clients.client_revoke, name="client_revoke"),
]
