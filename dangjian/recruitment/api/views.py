"""The recruitment endpoint: /api/v1/recruitment/ lists the people in the pipeline in your scope
(filters ``org``, ``stage``, ``status``); /api/v1/recruitment/{id}/ gives one file with its
timeline. Read only: steps are recorded on the pages, through the services."""
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.core.api import RestrictedViewSet, StableOrderingFilter
from dangjian.core.rules import RuleBook
from dangjian.core.workdays import WorkCalendar

from ..choices import FULL_MEMBER_STAGE
from ..models import PROTECTED_FIELDS, Applicant, ApplicantContact
from ..pipeline import pipeline_for
from ..selectors import probation_end, stage_of, timeline, with_last_step
from .filters import ApplicantFilter
from .serializers import ApplicantDetailSerializer, ApplicantSerializer, timeline_data


def _stage(applicant, pipeline):
    stage = stage_of(pipeline, status=applicant.status, last_step=applicant.last_step)
    applicant.stage = stage
    if stage is None:
        applicant.stage_display = None
    else:
        applicant.stage_display = _("Full member") if stage == FULL_MEMBER_STAGE else pipeline.stage_title(stage)
    return applicant


@extend_schema(tags=["recruitment"])
@extend_schema_view(
    list=extend_schema(summary="People in the recruitment pipeline in your scope"),
    retrieve=extend_schema(summary="One file with its timeline: recorded and computed dates, status of each step"),
)
class ApplicantViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Applicant.objects.all()
    serializer_class = ApplicantSerializer
    detail_serializer_class = ApplicantDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = ApplicantFilter
    ordering_fields = ["name_pinyin", "created_at"]
    ordering = ["name_pinyin", "id"]

    def refine_queryset(self, queryset):
        queryset = with_last_step(queryset.defer(*PROTECTED_FIELDS).select_related("organization"))
        if self.action == "retrieve":
            contacts = ApplicantContact.objects.select_related("member").defer(*[f"member__{f}" for f in PROTECTED_FIELDS])
            queryset = queryset.prefetch_related("steps", "notices", Prefetch("contacts", queryset=contacts))
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        pipeline = pipeline_for()
        return [_stage(a, pipeline) for a in page] if page is not None else page

    def get_object(self):
        applicant = super().get_object()
        today = timezone.localdate()
        book = RuleBook(today)
        pipeline = pipeline_for(applicant.organization, book=book)
        rows = timeline(applicant, calendar=WorkCalendar(), book=book, today=today, pipeline=pipeline)
        _stage(applicant, pipeline)
        dates = {r.number: r.done_on for r in rows if r.record is not None}
        applicant.probation_end = probation_end(pipeline, dates, applicant.probation_extension_months)
        applicant.rule_version = pipeline.version
        applicant.timeline = timeline_data(rows, pipeline)
        return applicant
