"""What the recruitment endpoint shows: files, and for one file its computed timeline.

No personal data beyond the name and gender: ID number, phone and address stay on the pages,
masked. Computed dates come with their ``*_provisional`` flag (a year without calendar data).
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Applicant, ApplicantContact, PublicNotice

# The verdicts of ``selectors.timeline`` (named for the OpenAPI enum, see ENUM_NAME_OVERRIDES).
STEP_STATUSES = [
    ("done", _("Recorded")),
    ("due", _("Can be taken now")),
    ("overdue", _("Past its latest date")),
    ("blocked", _("A condition is not met")),
    ("waiting", _("An earlier step or date is still to come")),
]
URGENCIES = [("", _("None")), ("soon", _("Due within the warning days")), ("late", _("Past the usual time"))]


class ApplicantSerializer(serializers.ModelSerializer):
    """A person in the pipeline as lists show them."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    last_step = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("The highest recorded step."))
    stage = serializers.CharField(read_only=True, allow_null=True,
                                  help_text=_("Derived from the highest recorded step, or full_member."))
    stage_display = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Applicant
        fields = ["id", "name", "gender", "organization", "organization_name", "status", "status_display", "last_step",
                  "stage", "stage_display", "member", "created_at"]
        read_only_fields = fields


class TimelineStepSerializer(serializers.Serializer):
    """One step of the file's timeline: recorded date, or the dates the rules compute."""

    number = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField(help_text=_("The national title of the step."))
    stage = serializers.CharField()
    stage_display = serializers.CharField()
    group = serializers.CharField(help_text=_("The local group's name where a local rule pack groups the steps."))
    status = serializers.ChoiceField(choices=STEP_STATUSES)
    urgency = serializers.ChoiceField(choices=URGENCIES)
    reasons = serializers.ListField(child=serializers.CharField(), help_text=_("Why the step waits or is blocked."))
    done_on = serializers.DateField(allow_null=True)
    rule_version = serializers.CharField(allow_null=True, help_text=_("The rule version the recorded step was checked by."))
    earliest = serializers.DateField(allow_null=True)
    earliest_provisional = serializers.BooleanField()
    latest = serializers.DateField(allow_null=True)
    latest_provisional = serializers.BooleanField()
    limit = serializers.DateField(allow_null=True, help_text=_("The hard limit, where the rules set one."))
    limit_provisional = serializers.BooleanField()
    next_review = serializers.DateField(allow_null=True, help_text=_("An activist's next half-yearly review."))
    late = serializers.BooleanField(help_text=_("Recorded after its latest date."))


class ContactSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = ApplicantContact
        fields = ["role", "member", "member_name", "started_on", "ended_on"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicNotice
        fields = ["id", "before_step", "starts_on", "ends_on", "working_days", "provisional", "outcome", "closed_on",
                  "rule_version"]
        read_only_fields = fields


class ApplicantDetailSerializer(ApplicantSerializer):
    """One file with its timeline, mentors and sponsors, and public notices."""

    probation_end = serializers.DateField(read_only=True, allow_null=True)
    rule_version = serializers.CharField(read_only=True, help_text=_("The rule version the timeline was computed by."))
    timeline = TimelineStepSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    notices = NoticeSerializer(many=True, read_only=True)

    class Meta(ApplicantSerializer.Meta):
        fields = [*ApplicantSerializer.Meta.fields, "probation_extension_months", "probation_end", "rule_version",
                  "timeline", "contacts", "notices"]
        read_only_fields = fields


def _day(work_date):
    return work_date.date if work_date is not None else None


def timeline_data(rows, pipeline) -> list[dict]:
    return [{
        "number": r.number, "code": r.step.code, "title": r.step.title, "stage": r.step.stage,
        "stage_display": pipeline.stage_title(r.step.stage), "group": r.step.group, "status": r.status,
        "urgency": r.urgency, "reasons": [str(x) for x in r.reasons], "done_on": r.done_on,
        "rule_version": r.record.rule_version if r.record is not None else None,
        "earliest": _day(r.earliest), "earliest_provisional": bool(r.earliest and r.earliest.provisional),
        "latest": _day(r.latest), "latest_provisional": bool(r.latest and r.latest.provisional),
        "limit": _day(r.limit), "limit_provisional": bool(r.limit and r.limit.provisional),
        "next_review": _day(r.next_review), "late": r.late,
    } for r in rows]
