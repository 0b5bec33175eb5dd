"""The organizational-life endpoints.

* /api/v1/meetings/: list, detail, plan (POST), and the actions ``record``, ``cancel`` and
  ``sign-in`` (a member on their phone, with the code the host shows);
* /api/v1/study-records/: study hours (an ordinary member sees only their own);
* /api/v1/compliance/?org=&year=: required meetings held or missing, per organization, kind
  and period, with the rule version of each verdict.
"""
from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.access import can
from dangjian.core.api import Pagination, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from ..choices import AttendanceStatus
from ..models import Attendance, Meeting, StudyRecord
from ..selectors import compliance
from ..services import meeting_cancel, meeting_plan, meeting_record, meeting_sign_in
from .filters import MeetingFilter, StudyRecordFilter
from .serializers import (
    ComplianceQuerySerializer,
    ComplianceSerializer,
    MeetingCancelSerializer,
    MeetingCreateSerializer,
    MeetingDetailSerializer,
    MeetingRecordSerializer,
    MeetingSerializer,
    SignInSerializer,
    StudyRecordSerializer,
    compliance_row_data,
)


@extend_schema(tags=["meetings"])
@extend_schema_view(
    list=extend_schema(summary="Meetings in your scope, latest first"),
    retrieve=extend_schema(summary="One meeting, with attendance and resolutions"),
    create=extend_schema(summary="Plan a meeting and invite its members", responses={201: MeetingDetailSerializer}),
)
class MeetingViewSet(RestrictedViewSet):
    """Meetings of the organizations the user may see, and those they were invited to."""

    http_method_names = ["get", "post", "head", "options"]  # no PATCH: a meeting changes by its actions
    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    detail_serializer_class = MeetingDetailSerializer
    create_serializer_class = MeetingCreateSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at"]
    ordering = ["-starts_at", "-id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("organization").annotate(
            invited_count=Count("attendances"),
            present_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
        )
        if self.action == "list":
            return queryset
        attendances = Attendance.objects.annotate(member_name=F("member__name")).order_by("member__name_pinyin", "pk")
        return queryset.annotate(host_name=F("host__name"), recorder_name=F("recorder__name")).prefetch_related(
            Prefetch("attendances", queryset=attendances), "resolutions", "joint_organizations",
        )

    def perform_create(self, data):
        return meeting_plan(actor=self.request.user, **data)

    def changeable_meeting(self) -> Meeting:
        """The meeting of the URL: 404 out of sight, 403 unless the user may change it."""
        meeting = self.get_object()
        if not can(self.request.user, "change", meeting):
            raise exceptions.PermissionDenied
        return Meeting.objects.select_related("organization").get(pk=meeting.pk)

    @extend_schema(summary="Record a held meeting: attendance, minutes, resolutions",
                   request=MeetingRecordSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        meeting = self.changeable_meeting()
        serializer = MeetingRecordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = meeting_record(
            actor=request.user, meeting=meeting,
            attendance={row["member"]: (row["status"], row["leave_reason"]) for row in data["attendance"]},
            minutes=data["minutes"], resolutions=[dict(item) for item in data["resolutions"]],
            host=data.get("host"), recorder=data.get("recorder"),
        )
        return self.output(meeting)

    @extend_schema(summary="Cancel a planned meeting", request=MeetingCancelSerializer,
                   responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self.changeable_meeting()
        serializer = MeetingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.output(meeting_cancel(actor=request.user, meeting=meeting, reason=serializer.validated_data["reason"]))

    @extend_schema(summary="Sign in to today's meeting with its code (the logged-in member)",
                   request=SignInSerializer, responses=MeetingDetailSerializer)
    @action(detail=False, methods=["post"], url_path="sign-in")
    def sign_in(self, request):
        serializer = SignInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.output(meeting_sign_in(user=request.user, code=serializer.validated_data["code"]))


@extend_schema(tags=["study"])
@extend_schema_view(list=extend_schema(summary="Study hours in your scope (an ordinary member: their own)"))
class StudyRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Study hours credited to members; read only (they come from meeting records and courses)."""

    authentication_classes = RestrictedViewSet.authentication_classes
    pagination_class = Pagination
    serializer_class = StudyRecordSerializer
    filterset_class = StudyRecordFilter
    queryset = StudyRecord.objects.all()

    def get_queryset(self):
        return StudyRecord.objects.restrict(self.request.user, "view").annotate(member_name=F("member__name"))


@extend_schema(tags=["meetings"])
class ComplianceView(generics.GenericAPIView):
    """Whether the organizations of a subtree held the meetings the rule packs require."""

    authentication_classes = RestrictedViewSet.authentication_classes
    serializer_class = ComplianceSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="Required meetings held and missing, per organization, kind and period",
        parameters=[
            OpenApiParameter("org", int, required=True,
                             description="An organization you may see; its whole subtree is reported."),
            OpenApiParameter("year", int, required=True, description="The year (yyyy)."),
            OpenApiParameter("behind", bool, description="Only the rows not met (due or overdue)."),
        ],
        responses=ComplianceSerializer,
    )
    def get(self, request):
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        root = get_object_or_404(Organization.objects.restrict(request.user, "view"), pk=query.validated_data["org"])
        year = query.validated_data["year"]
        rows = compliance(root, year)
        if query.validated_data["behind"]:
            rows = [row for row in rows if row.status != "ok"]
        # Built directly rather than field by field: the documented shape is ComplianceSerializer's.
        data = {"organization": root.pk, "organization_name": root.name, "year": year,
                "rows": [compliance_row_data(row) for row in rows]}
        return Response(data, status=status.HTTP_200_OK)
