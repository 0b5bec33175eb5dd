"""Query filters of the meeting and study-record lists."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.api import IdFilter
from dangjian.organizations.models import Organization

from ..models import Meeting, StudyRecord


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number from 1 to 9999 (a date can hold no other); anything else answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def in_subtree(queryset, field: str, organization_id: int):
    path = Organization.objects.filter(pk=organization_id).values_list("path", flat=True).first()
    return queryset.filter(**{f"{field}__path__startswith": path}) if path else queryset.none()


class MeetingFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization", label=_("Meetings of this organization and all below it"))

    class Meta:
        model = Meeting
        fields = ["kind", "status"]

    def filter_organization(self, queryset, name, value: int):
        return in_subtree(queryset, "organization", value)


# "from" and "to" are Python keywords, so these two filters are added by name.
MeetingFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="starts_at", lookup_expr="date__gte", label=_("Meetings on or after this day"),
)
MeetingFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="starts_at", lookup_expr="date__lte", label=_("Meetings on or before this day"),
)


class StudyRecordFilter(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label=_("Study hours of this member"))
    year = YearFilter(field_name="on", lookup_expr="year", label=_("Study hours of this year"))

    class Meta:
        model = StudyRecord
        fields = ["source"]
