"""/api/v1/hardship-cases/: the hardship register, read only, for those who keep it and auditors.

Ordinary members and committee members see no case, not even their own (404 on a detail).
"""
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.core.api import RestrictedViewSet, StableOrderingFilter

from ..models import HardshipCase, SupportRecord
from ..selectors import with_figures
from .filters import HardshipCaseFilter
from .serializers import HardshipCaseDetailSerializer, HardshipCaseSerializer


@extend_schema(tags=["care"])
@extend_schema_view(
    list=extend_schema(summary="Hardship cases in your scope, latest first"),
    retrieve=extend_schema(summary="One hardship case, with its situation and the support given"),
)
class HardshipCaseViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = HardshipCase.objects.all()
    serializer_class = HardshipCaseSerializer
    detail_serializer_class = HardshipCaseDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = HardshipCaseFilter
    ordering_fields = ["opened_on", "since"]
    ordering = ["-opened_on", "-id"]

    def refine_queryset(self, queryset):
        queryset = with_figures(queryset).defer("member__id_number", "member__phone", "member__address")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(Prefetch("supports", queryset=SupportRecord.objects.order_by(
                "-given_on", "-id")))
        return queryset
