from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from dangjian.accounts.urls import auth_patterns

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("", include("dangjian.accounts.urls")),
    path("", include(auth_patterns)),
    path("orgs/", include("dangjian.organizations.urls")),
    path("members/", include("dangjian.members.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("recruitment/", include("dangjian.recruitment.urls")),
    path("care/", include("dangjian.care.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("transfers/", include("dangjian.transfers.urls")),
    path("notices/", include("dangjian.notices.urls")),
    path("grid/", include("dangjian.grid.urls")),
    path("volunteers/", include("dangjian.volunteers.urls")),
    path("wishes/", include("dangjian.wishes.urls")),
    path("assessment/", include("dangjian.assessment.urls")),
    path("pairings/", include("dangjian.pairings.urls")),
    path("centres/", include("dangjian.centres.urls")),
    path("cobuilding/", include("dangjian.cobuilding.urls")),
    path("coverage/", include("dangjian.coverage.urls")),
    path("reports/", include("dangjian.reports.urls")),
    path("privacy/", include("dangjian.privacy.urls")),
    path("open311/v2/", include("dangjian.grid.open311.urls")),
    path("api/", include("config.api_urls")),
    path("django-admin/", admin.site.urls),
]

if settings.SSO_OIDC_ENABLED:  # single sign-on (dangjian/accounts/sso.py)
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
