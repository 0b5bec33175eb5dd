"""/api/v1/requests/: residents' requests in the user's scope; staff filing (JSON or multipart with
a photo) and the ``transitions`` action: GET the log, POST a step."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter, VisiblePrimaryKeyRelatedField

from .. import selectors_requests as selectors
from ..choices import Channel, RequestAction, RequestStatus, Satisfaction, TeamLevel, Urgency
from ..models import Building, Grid, Household, RequestCategory, RequestTransition, ServiceRequest, ServiceTeam
from ..models.scope import GridScope, grid_scope
from ..services_requests import request_file_with_photo
from ..workflow import allowed_actions, may_file_for, request_transition


class TransitionSerializer(serializers.ModelSerializer):
    # Blank for the step that filed the request: declared so that the schema allows the blank value.
    from_status = serializers.ChoiceField(choices=RequestStatus.choices, allow_blank=True, read_only=True)

    class Meta:
        model = RequestTransition
        fields = ["id", "action", "from_status", "to_status", "actor_name", "actor_role", "team", "note", "at",
                  "due_at", "overdue", "new_due_at"]
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer):
    """A request as lists show it; the contact phone only masked."""

    category_code = serializers.CharField(source="category.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    # Blank until the resident rates: declared so that the schema allows the blank value.
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "category", "category_code", "urgency", "description", "organization", "grid", "building",
                  "address", "channel", "status", "status_display", "level", "team", "reported_at", "stage_due_at",
                  "stage_due_provisional", "resolution_due_at", "resolution_due_provisional", "closed_at",
                  "bounce_count", "rework_count", "extension_count", "parked_until", "merged_into", "satisfaction",
                  "rating_assisted", "phone_masked", "overdue"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return bool(getattr(obj, "overdue", False))

    def to_representation(self, instance):
        selectors.mark_overdue([instance])
        return super().to_representation(instance)


class RequestDetailSerializer(RequestSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "contact_name", "handled_at", "handled_on_time", "closed_on_time",
                  "callback_due", "status_notes", "transitions", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RequestAction.choices)))
    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(request.user, obj) if request else []


class ResidentStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()
    team = serializers.CharField()
    note = serializers.CharField()


class ResidentRequestSerializer(serializers.ModelSerializer):
    """A request as the resident who filed it sees it: plain words, no staff names or internal notes."""

    status_display = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "category", "description", "address", "status", "status_display", "reported_at", "closed_at",
                  "satisfaction", "steps"]
        read_only_fields = fields

    def get_status_display(self, obj) -> str:
        return selectors.plain_status(obj.status)

    @extend_schema_field(ResidentStepSerializer(many=True))
    def get_steps(self, obj) -> list[dict]:
        return selectors.resident_steps(obj)


class RequestCreateSerializer(serializers.Serializer):
    """Staff filing for a resident: a building (or a grid) of the user's grids, the category, the words."""

    category = serializers.SlugRelatedField(slug_field="code", queryset=RequestCategory.objects.filter(active=True))
    description = serializers.CharField(max_length=4000)
    # Places out of the user's sight answer as missing ones (input never reveals what exists elsewhere).
    grid = VisiblePrimaryKeyRelatedField(queryset=Grid.objects.filter(active=True), required=False, allow_null=True)
    building = VisiblePrimaryKeyRelatedField(queryset=Building.objects.all(), required=False, allow_null=True)
    household = VisiblePrimaryKeyRelatedField(queryset=Household.objects.all(), required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=[Channel.GRID_WORKER, Channel.WALK_IN, Channel.HOTLINE],
                                      required=False)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    photo = serializers.FileField(required=False, allow_null=True)

    def validate(self, data):
        if not (data.get("grid") or data.get("building") or data.get("household")):
            raise serializers.ValidationError({"building": _("Please say where the problem is.")})
        return data


class StepInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=RequestAction.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    expected_status = serializers.ChoiceField(choices=RequestStatus.choices, required=False, allow_blank=True)
    team = serializers.PrimaryKeyRelatedField(queryset=ServiceTeam.objects.filter(active=True), required=False,
                                              allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True)
    category = serializers.SlugRelatedField(slug_field="code", queryset=RequestCategory.objects.filter(active=True),
                                            required=False, allow_null=True)
    days = serializers.IntegerField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False, allow_blank=True)
    into = serializers.IntegerField(required=False, allow_null=True)


class RequestFilter(filters.FilterSet):
    org = IdFilter(method="filter_org", label=_("Requests of this organization and all below it"))
    grid = IdFilter(field_name="grid_id")
    team = IdFilter(field_name="team_id")
    overdue = filters.BooleanFilter(method="filter_overdue")
    bounced = filters.BooleanFilter(method="filter_bounced")
    level = filters.ChoiceFilter(choices=TeamLevel.choices)

    class Meta:
        model = ServiceRequest
        fields = ["status", "category"]

    def filter_org(self, queryset, name, value):
        return selectors.filter_requests(queryset, {"org": str(value)}, None)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(selectors.overdue_q()) if value else queryset.exclude(selectors.overdue_q())

    def filter_bounced(self, queryset, name, value):
        return queryset.filter(bounce_count__gt=0) if value else queryset.filter(bounce_count=0)


@extend_schema(tags=["requests"])
@extend_schema_view(
    list=extend_schema(summary="Residents' requests in your scope, latest first"),
    retrieve=extend_schema(summary="One request with its log and the steps you may take now"),
    create=extend_schema(summary="File a request for a resident (grid staff, dispatchers)",
                         request={"application/json": RequestCreateSerializer,
                                  "multipart/form-data": RequestCreateSerializer},
                         responses={201: RequestDetailSerializer}),
)
class RequestViewSet(RestrictedViewSet):
    http_method_names = ["get", "post", "head", "options"]
    queryset = ServiceRequest.objects.all()
    serializer_class = RequestSerializer
    detail_serializer_class = RequestDetailSerializer
    create_serializer_class = RequestCreateSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = [filters.DjangoFilterBackend, StableOrderingFilter]
    filterset_class = RequestFilter
    ordering_fields = ["reported_at", "stage_due_at"]
    ordering = ["-reported_at", "-id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("category", "organization").defer("contact_phone", "contact_email")
        if self.action != "list":
            queryset = queryset.prefetch_related("transitions")
        return queryset

    def staff_view(self, obj=None) -> bool:
        """Whether the user sees requests (or ``obj``) as staff; a resident who filed a request sees it
        only in plain words (:class:`ResidentRequestSerializer`)."""
        scope = grid_scope(self.request.user, "view")
        staff = GridScope(everything=scope.everything, paths=scope.paths, grid_ids=scope.grid_ids,
                          team_ids=scope.team_ids)
        if staff.everything:
            return True
        if staff.empty:
            return False
        return obj is None or ServiceRequest.objects.filter(ServiceRequest.scope_filter(staff, "view"),
                                                            pk=obj.pk).exists()

    def list(self, request, *args, **kwargs):
        if self.staff_view():
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ResidentRequestSerializer(page, many=True).data)

    def output(self, obj, status_code=status.HTTP_200_OK) -> Response:
        if not self.staff_view(obj):
            return Response(ResidentRequestSerializer(obj).data, status=status_code)
        return super().output(obj, status_code)

    def retrieve(self, request, *args, **kwargs):
        return self.output(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = RequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household, building, grid = data.pop("household", None), data.pop("building", None), data.pop("grid", None)
        if household is not None:
            building = household.building
        if building is not None:
            grid = building.grid
        if not may_file_for(request.user, grid.organization, grid):
            raise exceptions.PermissionDenied
        from dangjian.core.access import user_scope

        staff_grid = grid.pk in user_scope(request.user, "add").grid_ids
        channel = data.pop("channel", None) or (Channel.GRID_WORKER if staff_grid else Channel.WALK_IN)
        try:
            created = request_file_with_photo(
                actor=request.user, photo=data.pop("photo", None), channel=channel, grid=grid, building=building,
                household=household, **{k: v for k, v in data.items() if v not in (None, "")})
        except DjangoPermissionDenied:
            raise exceptions.PermissionDenied from None
        return self.output(created, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="The request's log", responses=TransitionSerializer(many=True))
    @extend_schema(methods=["POST"], summary="Take one step on the request", request=StepInputSerializer,
                   responses=RequestDetailSerializer)
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def transitions(self, request, pk=None):
        obj = self.get_object()
        if request.method == "GET":
            if not self.staff_view(obj):
                return Response(ResidentStepSerializer(selectors.resident_steps(obj), many=True).data)
            rows = obj.transitions.order_by("at", "id")
            return Response(TransitionSerializer(rows, many=True).data)
        serializer = StepInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        step, note = data.pop("action"), data.pop("note", "")
        expected = data.pop("expected_status", "") or None
        if data.get("into") is not None:
            into = ServiceRequest.objects.restrict(request.user, "view").filter(pk=data["into"]).select_related(
                "organization").first()
            if into is None:
                raise exceptions.ValidationError({"into": [_("Please choose the request this one repeats.")]})
            data["into"] = into
        params = {k: v for k, v in data.items() if v not in (None, "")}
        try:
            request_transition(request=obj, action=step, actor=request.user, note=note, expected_status=expected,
                               **params)
        except DjangoPermissionDenied:
            raise exceptions.PermissionDenied from None
        return self.output(obj)
