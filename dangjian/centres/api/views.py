"""/api/v1/service-centres/: centres and stations in the user's scope, with their services (read only)."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.core.api import RestrictedViewSet, StableOrderingFilter

from ..models import RepresentativeDay, ServiceCentre, ServiceItem
from .serializers import ServiceCentreDetailSerializer, ServiceCentreSerializer


@extend_schema(tags=["centres"])
@extend_schema_view(
    list=extend_schema(summary="Service centres in your scope, with their services"),
    retrieve=extend_schema(summary="One service centre, with its services and representative days"),
)
class ServiceCentreViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = ServiceCentre.objects.all()
    serializer_class = ServiceCentreSerializer
    detail_serializer_class = ServiceCentreDetailSerializer
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["name"]
    ordering = ["name", "id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("organization").prefetch_related(
            Prefetch("items", queryset=ServiceItem.objects.order_by("name", "id")), "coverage")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(Prefetch("representative_days",
                                                          queryset=RepresentativeDay.objects.order_by("-day")))
        return queryset
