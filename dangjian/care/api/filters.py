"""Query filters of the hardship-case list."""
import django_filters
from django.utils.translation import gettext_lazy as _

from dangjian.core.api import IdFilter
from dangjian.organizations.models import Organization

from ..choices import HardshipKind
from ..models import HardshipCase, kind_filter


class HardshipCaseFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization", label=_("Cases of members of this organization and all below it"))
    member = IdFilter(field_name="member_id", label=_("Cases of this member"))
    kind = django_filters.ChoiceFilter(choices=HardshipKind.choices, method="filter_kind",
                                       label=_("Cases naming this kind of difficulty"))

    class Meta:
        model = HardshipCase
        fields = ["status"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(member__organization__path__startswith=path) if path else queryset.none()

    def filter_kind(self, queryset, name, value: str):
        return queryset.filter(kind_filter(value))
