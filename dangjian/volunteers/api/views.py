"""/api/v1/volunteer-teams/ and /api/v1/volunteer-activities/ (read, sign up, check in/out)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import RestrictedViewSet, StableOrderingFilter

from .. import services
from ..models import ActivityNeed, Volunteer, VolunteerActivity, VolunteerTeam
from .serializers import (
    CheckinInputSerializer,
    SignUpInputSerializer,
    SignUpSerializer,
    VolunteerActivityDetailSerializer,
    VolunteerActivitySerializer,
    VolunteerTeamDetailSerializer,
    VolunteerTeamSerializer,
)


@extend_schema(tags=["volunteers"])
@extend_schema_view(
    list=extend_schema(summary="Volunteer teams in your scope or that you are on"),
    retrieve=extend_schema(summary="One volunteer team with its totals"),
)
class VolunteerTeamViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = VolunteerTeam.objects.all()
    serializer_class = VolunteerTeamSerializer
    detail_serializer_class = VolunteerTeamDetailSerializer
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["name"]
    ordering = ["name", "id"]

    def refine_queryset(self, queryset):
        return queryset.select_related("organization")


@extend_schema(tags=["volunteers"])
@extend_schema_view(
    list=extend_schema(summary="Volunteer activities in your scope or of your teams, latest first"),
    retrieve=extend_schema(summary="One activity with its needs and places taken"),
)
class VolunteerActivityViewSet(RestrictedViewSet):
    http_method_names = ["get", "post", "head", "options"]
    queryset = VolunteerActivity.objects.all()
    serializer_class = VolunteerActivitySerializer
    detail_serializer_class = VolunteerActivityDetailSerializer
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["date"]
    ordering = ["-date", "-start_time", "-id"]

    def refine_queryset(self, queryset):
        return queryset.select_related("team")

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    def _me(self, activity):
        volunteer = Volunteer.objects.filter(team=activity.team, user=self.request.user, active=True).first()
        if volunteer is None:
            raise exceptions.PermissionDenied(_("Only volunteers of the team can do this."))
        return volunteer

    @extend_schema(summary="Sign yourself up for a need (the waiting list when it is full)",
                   request=SignUpInputSerializer, responses={201: SignUpSerializer})
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        activity = self.get_object()
        volunteer = self._me(activity)
        data = SignUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        need = ActivityNeed.objects.filter(activity=activity, pk=data.validated_data["need"]).first()
        if need is None:
            raise exceptions.ValidationError({"need": [_("No such need in this activity.")]})
        signup = services.signup_join(actor=request.user, need=need, volunteer=volunteer)
        return Response(SignUpSerializer(signup).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Check yourself in (or, when in, out) with the activity's code",
                   request=CheckinInputSerializer, responses={200: SignUpSerializer})
    @action(detail=True, methods=["post"])
    def checkin(self, request, pk=None):
        activity = self.get_object()
        self._me(activity)
        data = CheckinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = services.checkin_by_code(actor=request.user, code=data.validated_data["code"], activity=activity)
        return Response(SignUpSerializer(signup).data)
