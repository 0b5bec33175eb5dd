"""/api/v1/rectifications/: rectification tasks (整改) in the user's sight, read only, with where
each came from and whether it is overdue (computed from the deadline and today, never stored)."""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from ..choices import RectificationStatus
from ..models import Rectification
from ..selectors_followup import days_overdue, overdue_q, with_overdue


class RectificationFilter(django_filters.FilterSet):
    org = IdFilter(method="filter_org", label=_("Tasks of this organization and those under it"))
    status = django_filters.ChoiceFilter(choices=RectificationStatus.choices, label=_("Tasks in this status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Only overdue tasks (true)"))

    class Meta:
        model = Rectification
        fields = ["org", "status", "overdue"]

    def filter_org(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=path) if path else queryset.none()

    def filter_overdue(self, queryset, name, value: bool):
        q = overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)


class RectificationSourceSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment_id", help_text="The assessment the shortfall was found in.")
    criterion_code = serializers.CharField(source="criterion.code")
    criterion_name = serializers.CharField(source="criterion.name")


class RectificationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    source = RectificationSourceSerializer(read_only=True, allow_null=True,
                                           help_text="The unmet criterion it came from; null when opened by hand.")
    owner_name = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    days_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = ["id", "organization", "organization_name", "title", "description", "source", "owner_name",
                  "deadline", "status", "status_display", "overdue", "days_overdue", "submitted_at", "closed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_owner_name(self, task) -> str:
        return (task.owner.get_full_name() or task.owner.get_username()) if task.owner_id else ""

    @extend_schema_field(serializers.IntegerField())
    def get_days_overdue(self, task) -> int:
        return days_overdue(task)


@extend_schema(tags=["assessment"])
@extend_schema_view(
    list=extend_schema(summary="Rectification tasks in your sight, overdue first"),
    retrieve=extend_schema(summary="One rectification task"),
)
class RectificationViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Rectification.objects.all()
    serializer_class = RectificationSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = RectificationFilter
    ordering_fields = ["deadline", "created_at"]
    ordering = ["-is_overdue", "deadline", "id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("organization", "owner", "source__criterion")
        return with_overdue(queryset, timezone.localdate())
