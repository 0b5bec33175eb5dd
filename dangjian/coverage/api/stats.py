"""``GET /api/v1/coverage-stats/?org=<id>[&date=<yyyy-mm-dd>]``: coverage of the firms and social
organizations in an organization's area on a day (``selectors.coverage_stats``), with the tables
by kind, area and building and the monthly trend. Rates are percentages as strings with two
decimals ("66.67"), null when there is nothing to count."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from dangjian.core.access import covers, user_scope
from dangjian.core.api import OrgDayQuerySerializer, RestrictedViewSet
from dangjian.organizations.models import Organization

from ..selectors import coverage_stats


def _rate():
    return serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=True,
                                    help_text=_("Percent, two decimals; null when nothing is counted."))


class CountsSerializer(serializers.Serializer):
    """Firms counted by coverage, with the two rates (党的组织覆盖率 = own + joint, 党的工作覆盖率 =
    own + joint + guided, over the total)."""

    total = serializers.IntegerField()
    own = serializers.IntegerField()
    joint = serializers.IntegerField()
    guided = serializers.IntegerField()
    none = serializers.IntegerField()
    organized_rate = _rate()
    worked_rate = _rate()


class ByCoverageSerializer(serializers.Serializer):
    own = serializers.IntegerField()
    joint = serializers.IntegerField()
    guided = serializers.IntegerField()
    none = serializers.IntegerField()


class KindRowSerializer(CountsSerializer):
    code = serializers.CharField(help_text=_("private_enterprise or social_organization"))
    label = serializers.CharField()


class AreaRowSerializer(CountsSerializer):
    organization = serializers.IntegerField(help_text=_("The organization one level below (or the one asked for)."))
    name = serializers.CharField()


class BuildingRowSerializer(CountsSerializer):
    building = serializers.IntegerField()
    name = serializers.CharField()


class TrendRowSerializer(CountsSerializer):
    on = serializers.DateField(help_text=_("The last day of a month; the last point is the day asked for."))


class CoverageStatsSerializer(serializers.Serializer):
    on = serializers.DateField()
    total = serializers.IntegerField()
    by_coverage = ByCoverageSerializer()
    organized_rate = _rate()
    worked_rate = _rate()
    by_kind = KindRowSerializer(many=True)
    by_area = AreaRowSerializer(many=True)
    by_building = BuildingRowSerializer(many=True)
    trend = TrendRowSerializer(many=True)
    ready = serializers.IntegerField(help_text=_("Firms without their own organization with enough full members "
                                                 "to form a branch."))


class CoverageStatsView(generics.GenericAPIView):
    """Coverage of the firms in an organization's area on a day."""

    authentication_classes = RestrictedViewSet.authentication_classes
    serializer_class = CoverageStatsSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        tags=["coverage"],
        summary="Coverage of firms and social organizations in an organization's area, with the monthly trend",
        parameters=[
            OpenApiParameter("org", int, required=True,
                             description="An organization you oversee; the firms of its whole area are counted."),
            OpenApiParameter("date", str, description="The day, yyyy-mm-dd (default: today; not a day still to come)."),
        ],
        responses=CoverageStatsSerializer,
    )
    def get(self, request):
        query = OrgDayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        org = get_object_or_404(Organization.objects.restrict(request.user, "view"), pk=query.validated_data["org"])
        if not covers(user_scope(request.user, "view"), org):
            raise exceptions.PermissionDenied
        result = coverage_stats(org, query.validated_data.get("date"))
        return Response(CoverageStatsSerializer(result.as_dict()).data)
