"""/api/v1/assessment-schemes/: the schemes in the user's sight with their criteria, grades and steps."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from dangjian.core.api import RestrictedViewSet

from ..choices import SchemeKind, SchemeStatus
from ..models import Criterion, Grade, ReviewStep, Scheme
from ..selectors_schemes import scheme_with_parts


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["code", "name", "description", "points", "evidence", "indicator", "threshold", "is_veto"]


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grade
        fields = ["code", "name", "min_points", "rank"]


class ReviewStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewStep
        fields = ["order", "code", "name", "performer", "notice_days"]


class SchemeSerializer(serializers.ModelSerializer):
    owner_name = serializers.SerializerMethodField()
    unit_kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    grades = GradeSerializer(many=True, read_only=True)
    steps = ReviewStepSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "code", "version", "kind", "name", "description", "owner", "owner_name", "status",
                  "unit_kinds", "veto_grade", "source", "published_at", "criteria", "grades", "steps"]

    def get_owner_name(self, obj) -> str:
        return obj.owner.name if obj.owner_id else ""


@extend_schema(tags=["assessment"])
@extend_schema_view(
    list=extend_schema(summary="Assessment schemes in your sight (shipped, your own, the levels above)", parameters=[
        OpenApiParameter("kind", enum=SchemeKind.values, description="star, tier or checklist"),
        OpenApiParameter("status", enum=SchemeStatus.values, description="draft, published or retired"),
        OpenApiParameter("code", str, description="one scheme's versions"),
    ]),
    retrieve=extend_schema(summary="One assessment scheme version with its criteria, grades and review steps"),
)
class SchemeViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Scheme.objects.all()
    serializer_class = SchemeSerializer

    def refine_queryset(self, queryset):
        params = self.request.query_params
        if params.get("kind") in SchemeKind.values:
            queryset = queryset.filter(kind=params["kind"])
        if params.get("status") in SchemeStatus.values:
            queryset = queryset.filter(status=params["status"])
        if params.get("code"):
            queryset = queryset.filter(code=params["code"])
        return scheme_with_parts(queryset).order_by("kind", "code", "-version", "id")
