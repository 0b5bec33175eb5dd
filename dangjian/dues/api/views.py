"""The dues endpoints.

* /api/v1/dues/: payment records in the user's scope (an ordinary member: their own), with
  filters ``member``, ``organization`` (subtree of the collecting organization), ``month``
  (yyyy-mm), ``year``, ``method``, ``basis``; read only (a branch collects on its pages);
* /api/v1/dues/calculate/?category=&base=&date=: the monthly dues for a category and base
  under the rules of a day, with the rule version.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import RestrictedViewSet, StableOrderingFilter, drf_validation_error

from ..calculation import dues_amount
from ..models import DuesPayment
from .filters import DuesPaymentFilter
from .serializers import CalculateQuerySerializer, CalculateResultSerializer, DuesPaymentSerializer, calculate_result


@extend_schema(tags=["dues"])
@extend_schema_view(
    list=extend_schema(summary="Dues payments in your scope (an ordinary member: their own), latest month first"),
    retrieve=extend_schema(summary="One dues payment"),
)
class DuesViewSet(RestrictedViewSet):
    """Monthly dues payment records; read only."""

    http_method_names = ["get", "head", "options"]
    queryset = DuesPayment.objects.all()
    serializer_class = DuesPaymentSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = DuesPaymentFilter
    ordering_fields = ["month", "paid_on"]
    ordering = ["-month", "member_id", "id"]

    def refine_queryset(self, queryset):
        return queryset.select_related("member", "organization").defer(
            "member__id_number", "member__phone", "member__address")

    @extend_schema(
        summary="Monthly dues for a category and base under the rules of a day",
        parameters=[
            OpenApiParameter("category", str, required=True, description=(
                "A dues basis (wage, retired, annual_salary, self_employed, farmer, fixed) or a member category "
                "(employed, retired, student, unemployed, farmer, self_employed, other), or relief.")),
            OpenApiParameter("base", str, description="Monthly base in yuan; not needed for the fixed amount."),
            OpenApiParameter("date", str, description="The day (yyyy-mm-dd); default today."),
        ],
        responses={200: CalculateResultSerializer},
    )
    @action(detail=False, methods=["get"], url_path="calculate", filter_backends=[], pagination_class=None)
    def calculate(self, request):
        query = CalculateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            amount, version = dues_amount(data["category"], data["base"], data["date"])
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from exc
        return Response(calculate_result(amount, version, data["category"], data["date"]), status=status.HTTP_200_OK)
