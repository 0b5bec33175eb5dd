"""/api/v1/pairings/: pairings in sight (a keeper's subtree, or a member's own), read only.

Pairings change through the pages' services. Reading one pairing whose household is tagged is
logged like any read of a tagged household.
"""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.grid.services_grids import household_read
from dangjian.organizations.models import Organization

from ..models import Pairing
from .serializers import PairingDetailSerializer, PairingSerializer


class PairingFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization", label=_("Pairings of this organization and all below it"))
    member = IdFilter(field_name="member_id", label=_("Pairings of this member"))

    class Meta:
        model = Pairing
        fields = ["status"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=path) if path else queryset.none()


@extend_schema(tags=["pairings"])
@extend_schema_view(
    list=extend_schema(summary="Pairings in your scope, latest first"),
    retrieve=extend_schema(summary="One pairing, with its goals and visits"),
)
class PairingViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Pairing.objects.all()
    serializer_class = PairingSerializer
    detail_serializer_class = PairingDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = PairingFilter
    ordering_fields = ["started_on"]
    ordering = ["-started_on", "-id"]

    def refine_queryset(self, queryset):
        queryset = (queryset.select_related("organization", "member", "household__building__grid__organization")
                    .defer("member__id_number", "member__phone", "member__address", "household__contact_phone"))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("visits")
        return queryset

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        household_read(actor=request.user, household=self.get_object().household)
        return response
