"""The platform's URLs with single sign-on mounted, as production has them when SSO_OIDC_* is set."""
from django.urls import include, path

from config.urls import urlpatterns as platform

urlpatterns = [*platform, path("oidc/", include("mozilla_django_oidc.urls"))]
