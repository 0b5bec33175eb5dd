"""/api/v1/firms/: firms and social organizations in your scope, read only, with their coverage,
members and activists computed (never stored)."""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from .. import selectors
from ..choices import Coverage, FirmKind
from ..models import Assignment, Firm


class FirmRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class FirmSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="unit.name", read_only=True)
    credit_code = serializers.CharField(source="unit.credit_code", read_only=True)
    kind = serializers.ChoiceField(source="unit.kind", choices=FirmKind.choices, read_only=True)
    address = serializers.CharField(source="unit.address", read_only=True)
    area_organization = FirmRefSerializer(read_only=True)
    building = FirmRefSerializer(read_only=True, allow_null=True)
    coverage = serializers.ChoiceField(choices=Coverage.choices, read_only=True)
    has_own = serializers.BooleanField(read_only=True)
    has_joint = serializers.BooleanField(read_only=True)
    has_guide = serializers.BooleanField(read_only=True)
    members = serializers.IntegerField(read_only=True)
    full_members = serializers.IntegerField(read_only=True)
    activists = serializers.IntegerField(read_only=True)
    last_surveyed_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Firm
        fields = ["id", "name", "credit_code", "kind", "industry", "size", "address", "area_organization",
                  "sector_organization", "building", "floor", "status", "established_on", "employees", "coverage",
                  "has_own", "has_joint", "has_guide", "members", "full_members", "activists", "last_surveyed_on"]
        read_only_fields = fields


class FirmAssignmentSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    appointed_by = FirmRefSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "role_display", "name", "title", "appointed_by", "started_on", "ended_on"]
        read_only_fields = fields


class FirmJointRefSerializer(FirmRefSerializer):
    joined_on = serializers.DateField(read_only=True)


class FirmDetailSerializer(FirmSerializer):
    own_organizations = serializers.SerializerMethodField()
    joint_organizations = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()

    class Meta(FirmSerializer.Meta):
        fields = [*FirmSerializer.Meta.fields, "own_organizations", "joint_organizations", "assignments"]
        read_only_fields = fields

    @staticmethod
    def _covering(firm) -> selectors.CoveringNow:
        """What covers the firm today, read once per firm (``selectors.covering_now``)."""
        if not hasattr(firm, "_covering_now"):
            firm._covering_now = selectors.covering_now(firm)
        return firm._covering_now

    @extend_schema_field(FirmRefSerializer(many=True))
    def get_own_organizations(self, firm) -> list[dict]:
        return [{"id": o.pk, "name": o.name} for o in self._covering(firm).own_orgs]

    @extend_schema_field(FirmJointRefSerializer(many=True))
    def get_joint_organizations(self, firm) -> list[dict]:
        return [{"id": link.organization_id, "name": link.organization.name, "joined_on": link.joined_on}
                for link in self._covering(firm).joint_links]

    @extend_schema_field(FirmAssignmentSerializer(many=True))
    def get_assignments(self, firm) -> list[dict]:
        return FirmAssignmentSerializer(self._covering(firm).assignments, many=True).data


class FirmFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="unit__kind", choices=FirmKind.choices, label=_("Kind"))
    coverage = django_filters.ChoiceFilter(choices=Coverage.choices, label=_("Coverage today"))
    organization = IdFilter(method="filter_organization",
                            label=_("Firms looked after by this organization and all below it"))
    building = IdFilter(field_name="building_id", label=_("Office building"))

    class Meta:
        model = Firm
        fields = ["industry", "status"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(area_organization__path__startswith=path) if path else queryset.none()


@extend_schema(tags=["coverage"])
@extend_schema_view(
    list=extend_schema(summary="Firms and social organizations in your scope, with computed coverage"),
    retrieve=extend_schema(summary="One firm, with what covers it now"),
)
class FirmViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Firm.objects.all()
    serializer_class = FirmSerializer
    detail_serializer_class = FirmDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = FirmFilter
    ordering_fields = ["unit__name", "established_on", "employees"]
    ordering = ["unit__name", "id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("unit", "area_organization", "building")
        return selectors.with_last_survey(selectors.with_people(selectors.with_coverage(queryset)))
