from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("prefs/large-font/", views.large_font, name="large_font"),
    path("healthz", views.healthz, name="healthz"),
]
