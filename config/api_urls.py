"""The REST API (/api/v1/) and its OpenAPI description (/api/schema/, /api/docs/)."""
from django.urls import path

urlpatterns: list = []
