"""/api/v1/grids/ (read only) and /api/v1/households/ (list, read, add, correct).

Households carry only the masked phone (``phone_masked``); ``contact_phone`` is write-only
input. Reading one tagged household (retrieve) is logged, and so is a list filtered by tag
(one entry with the filters and the count), as on the pages.
"""
import django_filters
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from dangjian.core.access import can
from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter, VisiblePrimaryKeyRelatedField
from dangjian.organizations.models import Organization

from ..choices import HouseholdTag
from ..models import Building, Grid, Household
from ..selectors_grids import staff_of
from ..services_grids import household_create, household_read, household_update, households_listed

# Serializers ---------------------------------------------------------------------------------


class BuildingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    household_count = serializers.IntegerField(read_only=True, help_text=_("Households living there."))

    class Meta:
        model = Building
        fields = ["id", "name", "address", "kind", "kind_display", "floors", "lat", "long", "household_count"]
        read_only_fields = fields


class GridSerializer(serializers.ModelSerializer):
    """A grid with its counts; ``staff`` lists the grid leader first."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    building_count = serializers.IntegerField(read_only=True)
    household_count = serializers.IntegerField(read_only=True, help_text=_("Households living in the grid."))
    staff = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "organization", "organization_name", "description", "lat", "long", "active",
                  "building_count", "household_count", "staff"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_staff(self, grid) -> list[dict]:
        # Lists read every grid's staff at once (``staff`` in the context); a detail reads its own.
        by_grid = self.context["staff"] if "staff" in self.context else staff_of([grid.pk])
        staff = by_grid.get(grid.pk, [])
        return [{"role": role, "name": str(user)} for role, user in staff]


class GridDetailSerializer(GridSerializer):
    buildings = serializers.SerializerMethodField()

    class Meta(GridSerializer.Meta):
        fields = [*GridSerializer.Meta.fields, "buildings"]
        read_only_fields = fields

    @extend_schema_field(BuildingSerializer(many=True))
    def get_buildings(self, grid) -> list[dict]:
        buildings = grid.buildings.annotate(household_count=Count("households", filter=Q(households__active=True)))
        return BuildingSerializer(buildings.order_by("name"), many=True).data


class HouseholdSerializer(serializers.ModelSerializer):
    """A household; the phone only masked."""

    grid = serializers.IntegerField(source="building.grid_id", read_only=True)
    grid_name = serializers.CharField(source="building.grid.name", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True)
    tags = serializers.SerializerMethodField()
    tags_display = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "grid", "grid_name", "building", "building_name", "room", "size", "contact_name",
                  "phone_masked", "tags", "tags_display", "note", "active", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=HouseholdTag.choices)))
    def get_tags(self, household) -> list[str]:
        return household.tag_list

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags_display(self, household) -> list[str]:
        return household.get_tags_display()


class HouseholdInput(serializers.Serializer):
    room = serializers.CharField(max_length=50)
    size = serializers.IntegerField(min_value=1, max_value=30, default=1)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, write_only=True,
                                          help_text=_("Stored encrypted; answers show phone_masked only."))
    tags = serializers.ListField(child=serializers.ChoiceField(choices=HouseholdTag.choices), required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class HouseholdCreateSerializer(HouseholdInput):
    building = VisiblePrimaryKeyRelatedField(queryset=Building.objects.all())


class HouseholdUpdateSerializer(HouseholdInput):
    room = serializers.CharField(max_length=50, required=False)
    size = serializers.IntegerField(min_value=1, max_value=30, required=False)
    active = serializers.BooleanField(required=False, help_text=_("False when the household has moved out."))


# Filters -------------------------------------------------------------------------------------


def _subtree(queryset, field, org_id):
    path = Organization.objects.filter(pk=org_id).values_list("path", flat=True).first()
    return queryset.filter(**{f"{field}__path__startswith": path}) if path else queryset.none()


class GridFilter(django_filters.FilterSet):
    org = IdFilter(method="filter_org", label=_("Grids of this organization and all below it"))

    class Meta:
        model = Grid
        fields = ["active"]

    def filter_org(self, queryset, name, value):
        return _subtree(queryset, "organization", value)


class HouseholdFilter(django_filters.FilterSet):
    grid = IdFilter(field_name="building__grid_id", label=_("Households of this grid"))
    building = IdFilter(field_name="building_id", label=_("Households of this building"))
    tag = django_filters.ChoiceFilter(choices=HouseholdTag.choices, method="filter_tag",
                                      label=_("Households with this tag (the read is logged)"))

    class Meta:
        model = Household
        fields = ["active"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=f",{value},")


# Views ---------------------------------------------------------------------------------------


@extend_schema(tags=["grid"])
@extend_schema_view(
    list=extend_schema(summary="Grids in your scope, with building and household counts"),
    retrieve=extend_schema(summary="One grid, with its buildings"),
)
class GridViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Grid.objects.all()
    serializer_class = GridSerializer
    detail_serializer_class = GridDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = GridFilter
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def refine_queryset(self, queryset):
        buildings = Building.objects.filter(grid=OuterRef("pk")).values("grid").annotate(n=Count("id")).values("n")
        households = (Household.objects.filter(building__grid=OuterRef("pk"), active=True)
                      .values("building__grid").annotate(n=Count("id")).values("n"))
        return queryset.select_related("organization").annotate(
            building_count=Coalesce(Subquery(buildings, output_field=IntegerField()), Value(0)),
            household_count=Coalesce(Subquery(households, output_field=IntegerField()), Value(0)))

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = {**self.get_serializer_context(), "staff": staff_of([g.pk for g in page])}
        return self.get_paginated_response(GridSerializer(page, many=True, context=context).data)


@extend_schema(tags=["grid"])
@extend_schema_view(
    list=extend_schema(summary="Households in your scope (phones masked; a list filtered by tag is logged)"),
    retrieve=extend_schema(summary="One household (reading a tagged household is logged)"),
    create=extend_schema(summary="Add a household to a building", request=HouseholdCreateSerializer,
                         responses={201: HouseholdSerializer}),
    partial_update=extend_schema(summary="Correct a household", request=HouseholdUpdateSerializer,
                                 responses=HouseholdSerializer),
)
class HouseholdViewSet(RestrictedViewSet):
    queryset = Household.objects.all()
    serializer_class = HouseholdSerializer
    create_serializer_class = HouseholdCreateSerializer
    update_serializer_class = HouseholdUpdateSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = HouseholdFilter
    ordering_fields = ["room", "updated_at"]
    ordering = ["building__name", "room", "id"]

    def refine_queryset(self, queryset):
        return queryset.select_related("building", "building__grid").defer("contact_phone")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        tag = request.query_params.get("tag")
        tagged = [row["id"] for row in response.data.get("results", []) if row.get("tags")] \
            if response.status_code == 200 else []
        if response.status_code == 200 and (tag in HouseholdTag.values or tagged):
            filters = {k: v for k, v in request.query_params.items() if k in ("grid", "building", "tag", "page")}
            households_listed(actor=request.user, filters=filters, count=response.data.get("count", 0), tagged=tagged)
        return response

    def retrieve(self, request, *args, **kwargs):
        household = self.get_object()
        household_read(actor=request.user, household=household)
        return Response(self.get_serializer(household).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        building = data.pop("building")
        if not Building.objects.restrict(request.user, "add").filter(pk=building.pk).exists():
            raise exceptions.PermissionDenied
        household = household_create(actor=request.user, building=building, data=data)
        return self.output(household, status.HTTP_201_CREATED)

    def perform_update(self, household, data):
        return household_update(actor=self.request.user, household=household, data=data)

    def get_object(self):
        obj = super().get_object()
        if self.action == "partial_update" and not can(self.request.user, "change", obj):
            raise exceptions.PermissionDenied
        return obj
