"""Writes of organizational life: planning, recording and cancelling meetings, signing in.

Recording a meeting is the one entry from which everything else is derived: attendees'
study hours (``StudyRecord``), the organization's compliance, the meeting ledger.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.rules import RuleMissing, rule
from dangjian.members.choices import ON_ROLL, MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.choices import OrgType
from dangjian.organizations.models import LeadershipPost, Organization

from .choices import AttendanceStatus, MeetingKind, MeetingStatus, StudySource
from .models import Attendance, Meeting, Resolution, StudyRecord


def invitees(*, organization: Organization, kind: str, joint=()) -> list[Member]:
    """Who is invited by default: a committee meeting, the committee; a Party group meeting, the
    group's members; otherwise every member on the roll of the organizations holding it."""
    if kind == MeetingKind.COMMITTEE_MEETING:
        return list(Member.objects.filter(pk__in=LeadershipPost.objects.current().filter(
            organization=organization, kind__is_committee=True).values("member")).without_protected())
    members = Member.objects.on_roll().without_protected()
    if organization.org_type == OrgType.PARTY_GROUP:
        return list(members.filter(party_group=organization))
    return list(members.filter(organization__in=[organization, *joint]))


def meeting_plan(*, actor, organization: Organization, kind: str, topic: str, starts_at: datetime.datetime,
                 place: str = "", online: bool = False, duration_hours: Decimal = Decimal(2), agenda: str = "",
                 joint_organizations=(), host: Member | None = None) -> Meeting:
    """Plan a meeting and invite its members (default: all who should attend)."""
    if not organization.is_active:
        raise ValidationError(_("This organization is no longer active."))
    if kind == MeetingKind.GROUP_MEETING and organization.org_type != OrgType.PARTY_GROUP:
        raise ValidationError({"kind": _("A Party group meeting is held by a Party group.")})
    with transaction.atomic():
        meeting = Meeting.objects.create(
            organization=organization, kind=kind, topic=topic, starts_at=starts_at, place=place, online=online,
            duration_hours=duration_hours, agenda=agenda, host=host, created_by=actor if actor and actor.pk else None,
        )
        meeting.joint_organizations.set(joint_organizations)
        Attendance.objects.bulk_create([
            Attendance(meeting=meeting, member=m, voting=m.status == MemberStatus.FULL)
            for m in invitees(organization=organization, kind=kind, joint=joint_organizations)
        ])
        audit_log(actor=actor, action="meeting.planned", obj=meeting, organization=organization,
                  changes={"kind": kind, "starts_at": starts_at})
    return meeting


def hours_for(meeting: Meeting):
    """Study hours an attendee earns at this meeting, from the rule pack in force on its day."""
    try:
        value = rule(f"study.hours_by_kind.{meeting.kind}", organization=meeting.organization,
                     on=timezone.localdate(meeting.starts_at))
    except RuleMissing:
        return Decimal(0), ""
    return Decimal(str(value.value)), value.version


def resolution_passed(*, meeting: Meeting, votes_for: int, voting_members: int, voting_present: int):
    """Whether a resolution passes, and under which rule version.

    A branch general meeting is valid with more than half of the voting members present, and a
    decision needs more than half of the voting members who should attend (rules.md §2); other
    meetings decide by more than half of the voting members present.
    """
    on = timezone.localdate(meeting.starts_at)
    quorum = rule("orglife.votes.quorum_share", organization=meeting.organization, on=on)
    majority = rule("orglife.votes.majority_share", organization=meeting.organization, on=on)
    if meeting.kind == MeetingKind.BRANCH_GENERAL_MEETING:
        valid = voting_present > quorum.value * voting_members
        return valid and votes_for > majority.value * voting_members, majority.version
    return votes_for > majority.value * voting_present, majority.version


def meeting_record(*, actor, meeting: Meeting, attendance: dict[int, tuple[str, str]], minutes: str,
                   resolutions: list[dict] = (), host: Member | None = None,
                   recorder: Member | None = None) -> Meeting:
    """Record a held meeting (会议记录): who came, the minutes, the resolutions and their votes.

    ``attendance`` maps member id → (status, reason for leave). Attendees present are credited
    with the study hours of the rule pack; recording again replaces the earlier record.
    """
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be recorded."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting can be recorded only after it has started."))
    rows = {a.member_id: a for a in meeting.attendances.select_related("member")}
    unknown = set(attendance) - set(rows)
    if unknown:
        raise ValidationError(_("Attendance names members who were not invited."))
    for member_id, (status, reason) in attendance.items():
        if status == AttendanceStatus.LEAVE and not reason.strip():
            raise ValidationError({"attendance": _("%(name)s is on leave: give the reason.")
                                   % {"name": rows[member_id].member.name}})
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes: what was said and decided.")})
    hours, version = hours_for(meeting)
    with transaction.atomic():
        for member_id, (status, reason) in attendance.items():
            row = rows[member_id]
            row.status, row.leave_reason = status, reason if status == AttendanceStatus.LEAVE else ""
        Attendance.objects.bulk_update(rows.values(), ["status", "leave_reason"])
        present = [a for a in rows.values() if a.status == AttendanceStatus.PRESENT]
        voting_members = sum(1 for a in rows.values() if a.voting)
        voting_present = sum(1 for a in present if a.voting)
        meeting.resolutions.all().delete()
        for item in resolutions:
            passed, rule_version = resolution_passed(meeting=meeting, votes_for=item["votes_for"],
                                                     voting_members=voting_members, voting_present=voting_present)
            if item["votes_for"] + item["votes_against"] + item["abstentions"] > voting_present:
                raise ValidationError({"resolutions": _("More votes than voting members present.")})
            Resolution.objects.create(meeting=meeting, passed=passed, rule_version=rule_version, **item)
        meeting.minutes, meeting.status = minutes, MeetingStatus.RECORDED
        meeting.study_hours, meeting.rule_version = hours, version
        meeting.host = host or meeting.host
        meeting.recorder = recorder or meeting.recorder
        meeting.save()
        meeting.study_records.all().delete()
        if hours:
            StudyRecord.objects.bulk_create([
                StudyRecord(member_id=a.member_id, on=timezone.localdate(meeting.starts_at), hours=hours,
                            source=StudySource.MEETING, meeting=meeting, title=str(meeting), rule_version=version)
                for a in present
            ])
        audit_log(actor=actor, action="meeting.recorded", obj=meeting, organization=meeting.organization,
                  changes={"present": len(present), "invited": len(rows), "study_hours": hours})
    return meeting


def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    with transaction.atomic():
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status"])
        audit_log(actor=actor, action="meeting.cancelled", obj=meeting, organization=meeting.organization,
                  note=reason)
    return meeting


def meeting_sign_in(*, user, code: str) -> Meeting:
    """A member signs in on their phone with the code the host shows, on the meeting's day."""
    member = Member.objects.without_protected().filter(user=user, status__in=ON_ROLL).first()
    if member is None:
        raise ValidationError(_("Only members can sign in to meetings."))
    today = timezone.localdate()
    row = (Attendance.objects.select_related("meeting")
           .filter(member=member, meeting__sign_in_code=code.strip(), meeting__status=MeetingStatus.PLANNED,
                   meeting__starts_at__date=today).first())
    if row is None:
        raise ValidationError({"code": _("No meeting of yours today has this code.")})
    with transaction.atomic():
        row.status, row.signed_in_at, row.self_signed = AttendanceStatus.PRESENT, timezone.now(), True
        row.save(update_fields=["status", "signed_in_at", "self_signed"])
        audit_log(actor=user, action="meeting.signed_in", obj=row.meeting, organization=row.meeting.organization)
    return row.meeting


ATTACHMENT_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def meeting_attach(*, actor, meeting: Meeting, files) -> list:
    """Keep photos and files with a meeting's record (会议照片、材料)."""
    from pathlib import Path

    from dangjian.core.uploads import clean_upload

    from .models import MeetingAttachment

    for upload in files:
        if Path(upload.name).suffix.lower() not in ATTACHMENT_TYPES:
            raise ValidationError({"attachments": _("%(name)s: only photos, PDF and Office files can be attached.")
                                   % {"name": upload.name}})
        if upload.size > ATTACHMENT_MAX_BYTES:
            raise ValidationError({"attachments": _("%(name)s is larger than 10 MB.") % {"name": upload.name}})
    # Every file is what its name says (first bytes), photos re-encoded without EXIF; all checked first.
    cleaned = [(upload.name, clean_upload(upload, field="attachments", types=ATTACHMENT_TYPES,
                                          max_bytes=ATTACHMENT_MAX_BYTES)) for upload in files]
    with transaction.atomic():
        saved = [MeetingAttachment.objects.create(meeting=meeting, file=content, title=name[:100])
                 for name, content in cleaned]
        if saved:
            audit_log(actor=actor, action="meeting.attached", obj=meeting, organization=meeting.organization,
                      changes={"count": len(saved)})
    return saved
