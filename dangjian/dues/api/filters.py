"""Query filters of the dues payment list."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.api import IdFilter
from dangjian.organizations.models import Organization

from ..models import DuesPayment


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number from 1 to 9999 (a date can hold no other); anything else answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class MonthFilter(django_filters.DateFilter):
    """A month as yyyy-mm (or a day of it); anything else answers 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, value.replace(day=1) if value else value)


class DuesPaymentFilter(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label=_("Payments of this member"))
    organization = IdFilter(method="filter_organization",
                            label=_("Payments collected by this organization and all below it"))
    month = MonthFilter(field_name="month", label=_("Payments for this month (yyyy-mm)"))
    year = YearFilter(field_name="month", lookup_expr="year", label=_("Payments for months of this year"))

    class Meta:
        model = DuesPayment
        fields = ["method", "basis"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=path) if path else queryset.none()
