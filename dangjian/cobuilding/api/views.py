"""/api/v1/partner-units/: units in the area registered with communities in your scope, read only."""
import django_filters
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from ..models import PartnerUnit
from .serializers import PartnerUnitDetailSerializer, PartnerUnitSerializer


class PartnerUnitFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization",
                            label=_("Units registered with this organization and all below it"))

    class Meta:
        model = PartnerUnit
        fields = ["kind", "active"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=path) if path else queryset.none()


@extend_schema(tags=["cobuilding"])
@extend_schema_view(
    list=extend_schema(summary="Partner units in your scope"),
    retrieve=extend_schema(summary="One partner unit, with the resources it offers"),
)
class PartnerUnitViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = PartnerUnit.objects.all()
    serializer_class = PartnerUnitSerializer
    detail_serializer_class = PartnerUnitDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = PartnerUnitFilter
    ordering_fields = ["name", "registered_on"]
    ordering = ["name", "id"]

    def refine_queryset(self, queryset):
        queryset = queryset.defer("contact_phone").select_related("organization").annotate(
            resource_count=Count("resources", distinct=True), project_count=Count("projects", distinct=True))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("resources")
        return queryset
