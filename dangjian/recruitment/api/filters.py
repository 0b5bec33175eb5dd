"""Query filters of the recruitment list: organization subtree, stage and status."""
import django_filters
from django.utils.translation import gettext_lazy as _

from dangjian.core.api import IdFilter
from dangjian.organizations.models import Organization

from ..choices import FULL_MEMBER_STAGE, ApplicantStatus
from ..models import Applicant
from ..pipeline import pipeline_for
from ..selectors import filter_stage

STAGES = ["applicant", "activist", "candidate", "admission", "probation", FULL_MEMBER_STAGE]


class ApplicantFilter(django_filters.FilterSet):
    org = IdFilter(method="filter_org", label=_("Files of branches in this organization's subtree"))
    stage = django_filters.ChoiceFilter(
        method="filter_stage", choices=[(s, s) for s in STAGES],
        label=_("Stage (derived from the recorded steps): applicant, activist, candidate, admission, probation, "
                "full_member"))
    status = django_filters.ChoiceFilter(choices=ApplicantStatus.choices)

    class Meta:
        model = Applicant
        fields = ["org", "stage", "status"]

    def filter_org(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=path) if path else queryset.none()

    def filter_stage(self, queryset, name, value: str):
        return filter_stage(queryset, pipeline_for(), value)
