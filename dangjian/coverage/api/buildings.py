"""/api/v1/buildings/: office buildings in your scope with the coverage of their tenants, read only.

The list's coverage counts come from one grouped query for the whole page
(``selectors_buildings.building_summary``); the detail adds the floors with their tenants and the
Party organizations covering them. The property phone is only ever shown masked.
"""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from .. import selectors_buildings as sel
from ..models import Building

COVERAGE_HELP = _("own, joint, guided (instructor or liaison only) or none; computed, never typed")


class CoverageCountsSerializer(serializers.Serializer):
    tenants = serializers.IntegerField()
    own = serializers.IntegerField()
    joint = serializers.IntegerField()
    covered = serializers.IntegerField(help_text=_("Tenants with their own or a joint Party organization"))
    guided = serializers.IntegerField()
    none = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                    help_text=_("Organizational coverage in percent; null without tenants"))


class BuildingTenantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="unit.name")
    floor = serializers.IntegerField(allow_null=True)
    coverage = serializers.CharField(help_text=COVERAGE_HELP)


class BuildingFloorSerializer(serializers.Serializer):
    floor = serializers.IntegerField(allow_null=True, help_text=_("Negative below ground; null: not registered"))
    label = serializers.CharField()
    tenants = BuildingTenantSerializer(many=True, source="firms")


class CoveringOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    kind = serializers.CharField(help_text=_("joint or own"))
    floors = serializers.ListField(child=serializers.IntegerField())
    firms = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_firms(self, row) -> list[int]:
        return [f.pk for f in row["firms"]]


class OfficeBuildingSerializer(serializers.ModelSerializer):
    area_organization_name = serializers.CharField(source="area_organization.name", read_only=True)
    coverage = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = ["id", "name", "address", "area_organization", "area_organization_name", "floors_above",
                  "floors_below", "property_company", "property_phone_masked", "association_name", "coverage"]
        read_only_fields = fields

    @extend_schema_field(CoverageCountsSerializer)
    def get_coverage(self, building):
        summary = getattr(building, "summary", None)
        if summary is None:
            summary = sel.building_summary([building])[building.pk]
        return CoverageCountsSerializer(summary).data


class OfficeBuildingDetailSerializer(OfficeBuildingSerializer):
    floors = serializers.SerializerMethodField()
    organizations = serializers.SerializerMethodField()

    class Meta(OfficeBuildingSerializer.Meta):
        fields = [*OfficeBuildingSerializer.Meta.fields, "floors", "organizations"]
        read_only_fields = fields

    @extend_schema_field(BuildingFloorSerializer(many=True))
    def get_floors(self, building):
        return BuildingFloorSerializer([row for row in sel.building_floors(building) if row["firms"]], many=True).data

    @extend_schema_field(CoveringOrganizationSerializer(many=True))
    def get_organizations(self, building):
        return CoveringOrganizationSerializer(sel.building_organizations(building), many=True).data


class OfficeBuildingFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization",
                            label=_("Buildings in the care of this organization and all below it"))

    class Meta:
        model = Building
        fields = []

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(area_organization__path__startswith=path) if path else queryset.none()


@extend_schema(tags=["coverage"])
@extend_schema_view(
    list=extend_schema(summary="Office buildings in your scope, with their tenants' coverage"),
    retrieve=extend_schema(summary="One office building, with floors, tenants and covering organizations"),
)
class BuildingViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Building.objects.all()
    serializer_class = OfficeBuildingSerializer
    detail_serializer_class = OfficeBuildingDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = OfficeBuildingFilter
    ordering_fields = ["name", "floors_above"]
    ordering = ["name", "id"]

    def refine_queryset(self, queryset):
        return queryset.defer("property_phone").select_related("area_organization")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else sel.attach_summary(page)
