"""/api/v1/assessment-cycles/: assessment cycles in the user's sight, read only, with the grade
distribution, the movements and each organization's results on the detail.

A cycle is seen by those over the organization running it and by those over an organization rated in
it; the results on the detail list only the organizations the user may see (a village secretary
finds their own village, the distribution of the whole cycle).
"""
import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from ..choices import AssessmentStatus, Movement
from ..models import Assessment, CriterionResult, Cycle
from ..selectors_cycles import distribution, movement_counts, movements
from ..services_cycles import scheme_grades, scheme_steps


class CycleFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("Cycles of this year"))
    organization = IdFilter(method="filter_organization",
                            label=_("Cycles run by this organization or rating organizations under it"))
    scheme = django_filters.CharFilter(field_name="scheme__code", label=_("Cycles of this scheme code"))

    class Meta:
        model = Cycle
        fields = ["year", "organization", "scheme"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        if not path:
            return queryset.none()
        rated = Assessment.objects.filter(cycle=OuterRef("pk"), organization__path__startswith=path)
        return queryset.filter(Q(organization_id=value) | Q(Exists(rated)))


class NamedOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CycleSchemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="star, tier or checklist")


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="period_start")
    end = serializers.DateField(source="period_end")


class CycleSerializer(serializers.ModelSerializer):
    period = PeriodSerializer(source="*", read_only=True)
    status = serializers.CharField(read_only=True, help_text="open or closed")
    scheme = CycleSchemeSerializer(read_only=True)
    organization = NamedOrganizationSerializer(read_only=True)

    class Meta:
        model = Cycle
        fields = ["id", "name", "year", "period", "status", "scheme", "organization"]
        read_only_fields = fields


class GradeShareSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Of the approved assessments.")


class DistributionSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    approved = serializers.IntegerField()
    vetoed = serializers.IntegerField()
    grades = GradeShareSerializer(source="rows", many=True)
    stars_earned = serializers.IntegerField()
    stars_possible = serializers.IntegerField()
    star_rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True,
                                         help_text="Stars earned of those possible, percent.")


class CriterionValueSerializer(serializers.Serializer):
    code = serializers.CharField(source="criterion.code")
    name = serializers.CharField(source="criterion.name")
    is_veto = serializers.BooleanField(source="criterion.is_veto")
    measured = serializers.BooleanField(source="criterion.measured")
    met = serializers.BooleanField(allow_null=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    records_url = serializers.CharField()


class AssessmentResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = NamedOrganizationSerializer()
    step = serializers.IntegerField(help_text="Order of the review step it is at.")
    step_name = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=AssessmentStatus.choices)
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    stars = serializers.IntegerField()
    vetoed = serializers.BooleanField()
    grade = serializers.CharField()
    grade_name = serializers.SerializerMethodField()
    target_grade = serializers.CharField()
    movement = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()

    def get_step_name(self, assessment) -> str:
        step = self.context["steps"].get(assessment.step)
        return step.name if step else ""

    def get_grade_name(self, assessment) -> str:
        return self.context["grade_names"].get(assessment.grade, assessment.grade)

    @extend_schema_field(serializers.ChoiceField(choices=Movement.choices))
    def get_movement(self, assessment) -> str:
        return self.context["movements"].get(assessment.pk, Movement.NEW)

    @extend_schema_field(CriterionValueSerializer(many=True))
    def get_criteria(self, assessment) -> list[dict]:
        return self.context["criteria"].get(assessment.pk, [])


def _criteria_by_assessment(cycle, assessments) -> dict[int, list[dict]]:
    """Each assessment's criteria as plain rows (one query for the whole cycle: a cycle of a thousand
    villages has over ten thousand results, too many to build model objects and nested serializers for)."""
    criteria = {c.pk: c for c in cycle.scheme.criteria.all()}
    rows: dict[int, list[dict]] = {}
    results = (CriterionResult.objects.filter(assessment__in=assessments)
               .order_by("assessment_id", "criterion__is_veto", "criterion__order", "criterion_id")
               .values_list("assessment_id", "criterion_id", "met", "value", "records_url"))
    for assessment_id, criterion_id, met, value, records_url in results:
        criterion = criteria[criterion_id]
        rows.setdefault(assessment_id, []).append({
            "code": criterion.code, "name": criterion.name, "is_veto": criterion.is_veto,
            "measured": criterion.measured, "met": met, "value": None if value is None else f"{value:.4f}",
            "records_url": records_url})
    return rows


class CycleDetailSerializer(CycleSerializer):
    distribution = serializers.SerializerMethodField()
    movement_counts = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta(CycleSerializer.Meta):
        fields = [*CycleSerializer.Meta.fields, "distribution", "movement_counts", "results"]
        read_only_fields = fields

    def _movements(self, cycle) -> dict[int, str]:
        cache = cycle.__dict__.setdefault("_api_cache", {})
        if "movements" not in cache:
            cache["movements"] = movements(cycle)
        return cache["movements"]

    @extend_schema_field(DistributionSerializer)
    def get_distribution(self, cycle):
        return DistributionSerializer(distribution(cycle)).data

    @extend_schema_field(serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Movement code → approved organizations moving so (grades under review are not counted)."))
    def get_movement_counts(self, cycle) -> dict:
        return movement_counts(cycle, self._movements(cycle))

    @extend_schema_field(AssessmentResultSerializer(many=True))
    def get_results(self, cycle):
        request = self.context.get("request")
        assessments = (Assessment.objects.filter(cycle=cycle).restrict(getattr(request, "user", None), "view")
                       .select_related("organization").order_by("organization__path"))
        context = {"criteria": _criteria_by_assessment(cycle, assessments),
                   "steps": {s.order: s for s in scheme_steps(cycle.scheme)},
                   "grade_names": {g.code: g.name for g in scheme_grades(cycle.scheme)},
                   "movements": self._movements(cycle)}
        return AssessmentResultSerializer(assessments, many=True, context=context).data


@extend_schema(tags=["assessment"])
@extend_schema_view(
    list=extend_schema(summary="Assessment cycles in your sight, newest first"),
    retrieve=extend_schema(summary="One assessment cycle: grade distribution, movements and results"),
)
class AssessmentCycleViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Cycle.objects.all()
    serializer_class = CycleSerializer
    detail_serializer_class = CycleDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = CycleFilter
    ordering_fields = ["year", "name"]
    ordering = ["-year", "-id"]

    def refine_queryset(self, queryset):
        return queryset.select_related("scheme", "organization")
