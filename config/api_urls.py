"""The REST API (/api/v1/) and its OpenAPI description (/api/schema/, /api/docs/).

The docs page is Swagger UI from drf-spectacular-sidecar's static files (no CDN), with its
start-up script served as a separate file so the page keeps to the strict CSP.
"""
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from dangjian.assessment.api.cycles import AssessmentCycleViewSet  # assessment app
from dangjian.assessment.api.rectifications import RectificationViewSet  # assessment app
from dangjian.assessment.api.schemes import SchemeViewSet as AssessmentSchemeViewSet  # assessment app
from dangjian.assessment.api.surveys import SurveyViewSet  # assessment app
from dangjian.care.api.views import HardshipCaseViewSet
from dangjian.centres.api.views import ServiceCentreViewSet  # centres app
from dangjian.cobuilding.api.views import PartnerUnitViewSet  # cobuilding app
from dangjian.core.api import ObtainTokenView
from dangjian.coverage.api.admission import AffairAdmissionViewSet  # coverage app: affair admission
from dangjian.coverage.api.buildings import BuildingViewSet  # coverage app: buildings
from dangjian.coverage.api.firms import FirmViewSet  # coverage app: firms
from dangjian.coverage.api.stats import CoverageStatsView  # coverage app: statistics
from dangjian.dues.api.views import DuesViewSet
from dangjian.grid.api.grids import GridViewSet, HouseholdViewSet
from dangjian.grid.api.indicators import RequestIndicatorsView
from dangjian.grid.api.requests import RequestViewSet
from dangjian.members.api.lifecycle import LostContactCaseViewSet, ReserveCadreViewSet
from dangjian.members.api.views import MemberViewSet
from dangjian.organizations.api.views import OrganizationViewSet
from dangjian.orglife.api.views import ComplianceView, MeetingViewSet, StudyRecordViewSet
from dangjian.pairings.api.views import PairingViewSet
from dangjian.recruitment.api.views import ApplicantViewSet
from dangjian.reports.api.stats import BreakdownView, FiguresView, OverviewView  # reports app
from dangjian.transfers.api.views import TransferViewSet
from dangjian.volunteers.api.views import VolunteerActivityViewSet, VolunteerTeamViewSet
from dangjian.wishes.api.views import WishViewSet  # wishes app

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("reserve-cadres", ReserveCadreViewSet, basename="reserve-cadre")
router.register("lost-contact-cases", LostContactCaseViewSet, basename="lost-contact-case")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("study-records", StudyRecordViewSet, basename="study-record")
router.register("recruitment", ApplicantViewSet, basename="recruitment")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("dues", DuesViewSet, basename="dues")
router.register("hardship-cases", HardshipCaseViewSet, basename="hardship-case")
router.register("requests", RequestViewSet, basename="request")
router.register("grids", GridViewSet, basename="grid")
router.register("households", HouseholdViewSet, basename="household")
router.register("wishes", WishViewSet, basename="wish")  # wishes app
router.register("volunteer-teams", VolunteerTeamViewSet, basename="volunteer-team")
router.register("volunteer-activities", VolunteerActivityViewSet, basename="volunteer-activity")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("service-centres", ServiceCentreViewSet, basename="service-centre")  # centres app
router.register("partner-units", PartnerUnitViewSet, basename="partner-unit")  # cobuilding app
router.register("assessment-schemes", AssessmentSchemeViewSet, basename="assessment-scheme")  # assessment app
router.register("assessment-cycles", AssessmentCycleViewSet, basename="assessment-cycle")  # assessment app
router.register("rectifications", RectificationViewSet, basename="rectification")  # assessment app
router.register("surveys", SurveyViewSet, basename="survey")  # assessment app
router.register("firms", FirmViewSet, basename="firm")  # coverage app
router.register("buildings", BuildingViewSet, basename="office-building")  # coverage app
router.register("affair-admissions", AffairAdmissionViewSet, basename="affair-admission")  # coverage app

# Swagger UI's page carries one small inline <style> block (box sizing, margins): allow that
# block alone, by its hash (a test checks the hash still matches the page).
SWAGGER_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
docs_view = csp_update({"style-src": [SWAGGER_STYLE_HASH]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

app_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("compliance/", ComplianceView.as_view(), name="compliance"),
    path("request-indicators/", RequestIndicatorsView.as_view(), name="request-indicators"),
    path("coverage-stats/", CoverageStatsView.as_view(), name="coverage-stats"),
    path("stats/overview/", OverviewView.as_view(), name="stats-overview"),
    path("stats/breakdown/", BreakdownView.as_view(), name="stats-breakdown"),
    path("stats/figures/", FiguresView.as_view(), name="stats-figures"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include((app_v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs_view, name="api-docs"),
]
