"""Query filters of the organization list: by type, status, unit kind, place in the tree, name."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.api import IdFilter

from ..models import Organization


class OrganizationFilter(django_filters.FilterSet):
    parent = IdFilter(method="filter_parent", label=_("Direct sub-organizations of this organization"))
    root = IdFilter(method="filter_root", label=_("This organization and everything below it"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name or short name contains"))

    class Meta:
        model = Organization
        fields = ["org_type", "status", "unit_kind"]

    def filter_parent(self, queryset, name, value: int):
        parent = Organization.objects.filter(pk=value).values_list("path", "depth").first()
        if parent is None:
            return queryset.none()
        path, depth = parent
        return queryset.filter(path__startswith=path, depth=depth + 1)

    def filter_root(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=path) if path else queryset.none()

    def filter_q(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value)) if value else queryset
