"""``GET /api/v1/request-indicators/?org=<id>&month=<yyyy-mm>[&by=grid|community|subdistrict|team]``:
the request indicators of an organization's subtree for a month (formulas in docs/grid.md)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from dangjian.core.access import covers, user_scope
from dangjian.core.api import RestrictedViewSet, drf_validation_error
from dangjian.organizations.models import Organization

from .. import indicators


class IndicatorsQuerySerializer(serializers.Serializer):
    org = serializers.IntegerField(error_messages={
        "required": _("Name the organization: org=<id>."),
        "invalid": _("The organization is named by its number: org=<id>."),
        "null": _("Name the organization: org=<id>."),
    })
    month = serializers.CharField(required=False, allow_blank=True, help_text=_("yyyy-mm; this month if left out."))
    by = serializers.ChoiceField(choices=indicators.BREAKDOWNS, required=False, allow_blank=True, error_messages={
        "invalid_choice": _("Break down by grid, community, sub-district or team."),
    })


class PreviousSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=list(indicators.FIGURES))
    label = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text=_("numerator ÷ denominator; null when nothing is counted"))
    url = serializers.CharField(help_text=_("The records behind the figure."))


class SummaryFigureSerializer(FigureSerializer):
    previous = PreviousSerializer(help_text=_("The same figure for the month before."))


class RowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["org", "grid", "team"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    callbacks_pending = serializers.IntegerField()
    figures = FigureSerializer(many=True)


class RequestIndicatorsSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    month = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text=_("The day after the month (the month is [start, end)."))
    figures = SummaryFigureSerializer(many=True)
    callbacks_pending = serializers.IntegerField(help_text=_("Requests sampled for a call-back not yet called back."))
    by = serializers.CharField(allow_null=True)
    rows = RowSerializer(many=True, required=False)


class RequestIndicatorsView(generics.GenericAPIView):
    """Request indicators of an organization's subtree for a month, with an optional breakdown."""

    authentication_classes = RestrictedViewSet.authentication_classes
    serializer_class = RequestIndicatorsSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        tags=["requests"],
        summary="Request indicators (on-time closure, closure, handling, rework, satisfaction, patrols) for a month",
        parameters=[
            OpenApiParameter("org", int, required=True,
                             description="An organization you oversee; its whole subtree is counted."),
            OpenApiParameter("month", str, description="The month, yyyy-mm (default: this month)."),
            OpenApiParameter("by", str, enum=list(indicators.BREAKDOWNS), description="Rows of a breakdown."),
        ],
        responses=RequestIndicatorsSerializer,
    )
    def get(self, request):
        query = IndicatorsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        org = get_object_or_404(Organization.objects.restrict(request.user, "view"), pk=query.validated_data["org"])
        scope = user_scope(request.user, "view")
        if not covers(scope, org):
            raise exceptions.PermissionDenied
        try:
            month = indicators.parse_month(query.validated_data.get("month"), default=timezone.localdate())
        except DjangoValidationError as exc:
            raise drf_validation_error(exc) from None
        report = indicators.report(org, month, query.validated_data.get("by") or "")
        return Response(report.as_dict(), status=status.HTTP_200_OK)
