"""What the organizational-life endpoints show and accept.

Inputs are parsed here and handed to the services unchanged; every check of a meeting's
record (who was invited, reasons for leave, minutes, votes) lives in the services, so the
messages are the same as on the pages.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.core.access import can
from dangjian.core.api import VisiblePrimaryKeyRelatedField
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from ..choices import AttendanceStatus, MeetingKind
from ..models import Attendance, Meeting, Resolution, StudyRecord

# The verdicts of ``selectors.compliance`` (named for the OpenAPI enum, see ENUM_NAME_OVERRIDES).
COMPLIANCE_STATUSES = [
    ("ok", _("Held as required")),
    ("due", _("Not yet held; the period is still running")),
    ("overdue", _("Not held; the period is over")),
]
# What a record may say of an invited member (``invited`` is the state before the record).
RECORDED_ATTENDANCE = [c for c in AttendanceStatus.choices if c[0] != AttendanceStatus.INVITED]


class AttendanceSerializer(serializers.ModelSerializer):
    """One invited member and whether they came."""

    member_name = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "status", "status_display", "leave_reason", "voting", "signed_in_at",
                  "self_signed"]
        read_only_fields = fields

    def to_representation(self, attendance):
        data = super().to_representation(attendance)
        # Reasons for leave can be about health: only those who keep the meeting's record see them.
        if not self.context.get("may_change"):
            data["leave_reason"] = ""
        return data


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["id", "text", "votes_for", "votes_against", "abstentions", "passed", "rule_version"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting as lists show it; ``*_display`` fields are the labels of codes."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    invited_count = serializers.IntegerField(read_only=True, help_text=_("Members invited."))
    present_count = serializers.IntegerField(read_only=True, help_text=_("Members recorded or signed in as present."))

    class Meta:
        model = Meeting
        fields = [
            "id", "organization", "organization_name", "kind", "kind_display", "topic", "starts_at", "duration_hours",
            "place", "online", "status", "status_display", "study_hours", "rule_version", "invited_count",
            "present_count",
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    """One meeting with its attendance, minutes and resolutions.

    The sign-in code is shown only to those who may change the meeting (the host shows it to
    the attendees in the room); others get null.
    """

    host_name = serializers.CharField(read_only=True, allow_null=True)
    recorder_name = serializers.CharField(read_only=True, allow_null=True)
    attendances = AttendanceSerializer(many=True, read_only=True)
    resolutions = ResolutionSerializer(many=True, read_only=True)
    sign_in_code = serializers.SerializerMethodField(
        help_text=_("The code attendees sign in with; only for those who may change the meeting."),
    )

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields, "joint_organizations", "agenda", "minutes", "host", "host_name",
            "recorder", "recorder_name", "sign_in_code", "attendances", "resolutions",
        ]
        read_only_fields = fields

    def to_representation(self, meeting):
        request = self.context.get("request")
        self.context["may_change"] = bool(request and can(request.user, "change", meeting))
        return super().to_representation(meeting)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sign_in_code(self, meeting) -> str | None:
        return meeting.sign_in_code if self.context.get("may_change") else None


class MeetingCreateSerializer(serializers.ModelSerializer):
    """A meeting to plan in ``organization`` (one where you may add); its members are invited."""

    organization = VisiblePrimaryKeyRelatedField(queryset=Organization.objects.all())
    joint_organizations = VisiblePrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False,
        help_text=_("Other organizations holding the meeting together; their members are invited too."),
    )
    host = VisiblePrimaryKeyRelatedField(queryset=Member.objects.without_protected(), required=False, allow_null=True)

    class Meta:
        model = Meeting
        fields = ["organization", "kind", "topic", "starts_at", "duration_hours", "place", "online", "agenda",
                  "joint_organizations", "host"]


class AttendanceInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text=_("An invited member's id."))
    status = serializers.ChoiceField(choices=RECORDED_ATTENDANCE)
    leave_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ResolutionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    votes_for = serializers.IntegerField(min_value=0, default=0)
    votes_against = serializers.IntegerField(min_value=0, default=0)
    abstentions = serializers.IntegerField(min_value=0, default=0)


class MeetingRecordSerializer(serializers.Serializer):
    """The record of a held meeting: who came, the minutes, the resolutions put to the vote.

    Members left out of ``attendance`` keep their state (invited, or present if they signed in).
    Recording again replaces the earlier record.
    """

    attendance = AttendanceInputSerializer(many=True)
    minutes = serializers.CharField(allow_blank=True)
    resolutions = ResolutionInputSerializer(many=True, required=False, default=list)
    host = VisiblePrimaryKeyRelatedField(queryset=Member.objects.without_protected(), required=False, allow_null=True)
    recorder = VisiblePrimaryKeyRelatedField(queryset=Member.objects.without_protected(), required=False,
                                             allow_null=True)


class MeetingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("Why the meeting is cancelled."))


class SignInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text=_("The six-digit code the host shows."))


class StudyRecordSerializer(serializers.ModelSerializer):
    """Study hours credited to a member, with the rule version that set them."""

    member_name = serializers.CharField(read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = StudyRecord
        fields = ["id", "member", "member_name", "on", "hours", "source", "source_display", "meeting", "title",
                  "rule_version"]
        read_only_fields = fields


class ComplianceQuerySerializer(serializers.Serializer):
    org = serializers.IntegerField(error_messages={
        "required": _("Name the organization: org=<id>."),
        "invalid": _("The organization is named by its number: org=<id>."),
        "null": _("Name the organization: org=<id>."),
    })
    year = serializers.IntegerField(min_value=1921, max_value=9999, error_messages={
        "required": _("Give the year: year=<yyyy>."),
        "invalid": _("The year is four digits, such as 2026."),
        "null": _("Give the year: year=<yyyy>."),
        "min_value": _("The year is four digits, such as 2026."),
        "max_value": _("The year is four digits, such as 2026."),
    })
    behind = serializers.BooleanField(required=False, default=False,
                                      help_text=_("Only the rows not met (due or overdue)."))


def compliance_row_data(row) -> dict:
    """One row as ComplianceRowSerializer describes it, built directly (a city has ~10⁶ rows)."""
    span = row.span
    return {
        "organization": row.organization.pk, "organization_name": row.organization.name, "kind": row.kind,
        "kind_display": str(row.kind_label), "period": span.period, "period_index": span.index,
        "period_label": span.label, "start": span.start.isoformat(), "end": span.end.isoformat(),
        "required": row.required, "held": row.held, "missing": row.missing, "status": row.status,
        "rule_version": row.rule_version,
    }


class ComplianceRowSerializer(serializers.Serializer):
    """One organization, one kind of meeting, one period of the year that has begun."""

    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    kind_display = serializers.CharField(source="kind_label")
    period = serializers.CharField(source="span.period", help_text=_("month, quarter or year"))
    period_index = serializers.IntegerField(source="span.index", help_text=_("1–12, 1–4 or 1"))
    period_label = serializers.CharField(source="span.label")
    start = serializers.DateField(source="span.start")
    end = serializers.DateField(source="span.end")
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    missing = serializers.IntegerField()
    status = serializers.ChoiceField(choices=COMPLIANCE_STATUSES)
    rule_version = serializers.CharField(help_text=_("The rule pack version that set what was required."))


class ComplianceSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    year = serializers.IntegerField()
    rows = ComplianceRowSerializer(many=True)
