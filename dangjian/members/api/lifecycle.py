"""Read-only endpoints of the member follow-ups.

* /api/v1/reserve-cadres/: reserve-cadre pools (后备人才) with training and evaluations;
* /api/v1/lost-contact-cases/: lost-contact cases (失联党员) with their searches and the
  deadlines of the rules;
* /api/v1/members/anniversaries/?month=: political birthdays (see ``MemberViewSet``).
"""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from .. import lost_contact
from ..models import CadreEvaluation, CadreTraining, LostContactCase, Member, ReserveCadre, SearchRecord


def _in_subtree(queryset, field: str, organization_id: int):
    path = Organization.objects.filter(pk=organization_id).values_list("path", flat=True).first()
    return queryset.filter(**{f"{field}__path__startswith": path}) if path else queryset.none()


# Reserve cadres ----------------------------------------------------------------------------


class CadreTrainingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CadreTraining
        fields = ["on", "course", "hours", "organizer"]


class CadreEvaluationSerializer(serializers.ModelSerializer):
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = CadreEvaluation
        fields = ["on", "year", "grade", "grade_display", "comment", "evaluator"]


class ReserveCadreSerializer(serializers.ModelSerializer):
    """A pool entry: the member, the organization whose posts they prepare for, the intended post."""

    member_name = serializers.CharField(source="member.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    intended_kind = serializers.CharField(source="intended_kind.code", read_only=True)
    intended_kind_name = serializers.CharField(source="intended_kind.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ReserveCadre
        fields = ["id", "member", "member_name", "organization", "organization_name", "intended_kind",
                  "intended_kind_name", "added_on", "status", "status_display", "status_on", "appointed_post", "note"]
        read_only_fields = fields


class ReserveCadreDetailSerializer(ReserveCadreSerializer):
    trainings = CadreTrainingSerializer(many=True, read_only=True)
    evaluations = CadreEvaluationSerializer(many=True, read_only=True)

    class Meta(ReserveCadreSerializer.Meta):
        fields = [*ReserveCadreSerializer.Meta.fields, "trainings", "evaluations"]
        read_only_fields = fields


class ReserveCadreFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization", label=_("Pools of this organization and all below it"))
    member = IdFilter(field_name="member_id")

    class Meta:
        model = ReserveCadre
        fields = ["status"]

    def filter_organization(self, queryset, name, value: int):
        return _in_subtree(queryset, "organization", value)


@extend_schema(tags=["members"])
@extend_schema_view(list=extend_schema(summary="Reserve cadres in your scope"),
                    retrieve=extend_schema(summary="One reserve cadre, with training and evaluations"))
class ReserveCadreViewSet(RestrictedViewSet):
    """Reserve-cadre pools of the organizations the user may see (an ordinary member: their own entries)."""

    http_method_names = ["get", "head", "options"]
    queryset = ReserveCadre.objects.all()
    serializer_class = ReserveCadreSerializer
    detail_serializer_class = ReserveCadreDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = ReserveCadreFilter
    ordering_fields = ["added_on"]
    ordering = ["organization__path", "added_on", "id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("member", "organization", "intended_kind")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("trainings", "evaluations")
        return queryset


# Lost contact ------------------------------------------------------------------------------


class SearchRecordSerializer(serializers.ModelSerializer):
    method_display = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = SearchRecord
        fields = ["on", "method", "method_display", "result", "searched_by"]


class DeadlinesSerializer(serializers.Serializer):
    next_search = serializers.DateField(help_text=_("Search again by this day."))
    search_overdue = serializers.BooleanField()
    handle_from = serializers.DateField(help_text=_("From this day the rules allow the next step."))
    handle_due = serializers.BooleanField(help_text=_("The next step may be taken now."))
    searches_short = serializers.IntegerField(help_text=_("Searches still to record before handling."))
    next_step = serializers.CharField(help_text=_("The status handling gives the member."))
    rule_version = serializers.CharField()


class LostContactCaseSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    search_count = serializers.IntegerField(read_only=True)
    last_search = serializers.DateField(read_only=True, allow_null=True)
    deadlines = DeadlinesSerializer(read_only=True, allow_null=True,
                                    help_text=_("What the rules ask of an open case; null when closed."))

    class Meta:
        model = LostContactCase
        fields = ["id", "member", "member_name", "organization", "organization_name", "since", "status",
                  "status_display", "previous_status", "suspended_on", "closed_on", "outcome", "rule_version",
                  "search_count", "last_search", "deadlines"]
        read_only_fields = fields


class LostContactCaseDetailSerializer(LostContactCaseSerializer):
    searches = SearchRecordSerializer(many=True, read_only=True)

    class Meta(LostContactCaseSerializer.Meta):
        fields = [*LostContactCaseSerializer.Meta.fields, "searches"]
        read_only_fields = fields


class LostContactCaseFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization", label=_("Cases of this organization and all below it"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Only cases still open (searching or suspended)"))

    class Meta:
        model = LostContactCase
        fields = ["status"]

    def filter_organization(self, queryset, name, value: int):
        return _in_subtree(queryset, "organization", value)

    def filter_open(self, queryset, name, value):
        open_statuses = ["searching", "suspended"]
        return queryset.filter(status__in=open_statuses) if value else queryset.exclude(status__in=open_statuses)


@extend_schema(tags=["members"])
@extend_schema_view(list=extend_schema(summary="Lost-contact cases in your scope, with the deadlines of the rules"),
                    retrieve=extend_schema(summary="One lost-contact case, with its searches"))
class LostContactCaseViewSet(RestrictedViewSet):
    """Members who lost contact (失联党员) in the organizations the user may see."""

    http_method_names = ["get", "head", "options"]
    queryset = LostContactCase.objects.all()
    serializer_class = LostContactCaseSerializer
    detail_serializer_class = LostContactCaseDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = LostContactCaseFilter
    ordering_fields = ["since"]
    ordering = ["since", "id"]

    def refine_queryset(self, queryset):
        queryset = lost_contact.annotated(queryset)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("searches")
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return lost_contact.with_deadlines(page) if page is not None else None

    def get_object(self):
        return lost_contact.with_deadlines([super().get_object()])[0]


# Anniversaries -----------------------------------------------------------------------------


class AnniversaryQuerySerializer(serializers.Serializer):
    month = serializers.IntegerField(min_value=1, max_value=12, required=False,
                                     help_text=_("The month, 1 to 12; this month when left out."))
    year = serializers.IntegerField(min_value=1921, max_value=9999, required=False,
                                    help_text=_("The year the years since joining are counted to; this year when left out."))


class AnniversarySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    day = serializers.IntegerField(read_only=True, help_text=_("Day of the month the member joined."))
    years = serializers.IntegerField(read_only=True, help_text=_("Years since joining, in the year asked for."))
    party_standing = serializers.SerializerMethodField(help_text=_("Whole years as a full member (党龄)."))

    class Meta:
        model = Member
        fields = ["id", "name", "organization", "organization_name", "joined_on", "day", "years", "party_standing"]
        read_only_fields = fields

    def get_party_standing(self, member) -> int:
        return member.party_standing()
