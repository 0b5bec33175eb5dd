"""Query filters of the member list: place in the tree, standing, category, hardship, gender, search."""
import django_filters
from django.utils.translation import gettext_lazy as _

from dangjian.core.api import IdFilter
from dangjian.organizations.models import Organization

from ..filters import search_filter, sees_hardship
from ..models import Member


class MemberFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization", label=_("Members of this organization and all below it"))
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Name contains, pinyin or initials start with, or the last four digits of the ID or phone number"),
    )

    class Meta:
        model = Member
        fields = ["status", "category", "in_hardship", "gender"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None or not sees_hardship(request.user):
            del self.filters["in_hardship"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=path) if path else queryset.none()

    def filter_q(self, queryset, name, value: str):
        return search_filter(queryset, value, user=getattr(self.request, "user", None))
