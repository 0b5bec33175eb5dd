"""The yearly member appraisal (民主评议党员): self-review → mutual review and vote → decision.

Grades are 优秀 / 合格 / 基本合格 / 不合格 (rules.md §2). The vote is tallied from the ballots;
the branch decides each grade, and an 不合格 needs its reasons written down.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES

from .choices import Grade
from .models import Appraisal, AppraisalEntry

VOTE_FIELDS = ("votes_excellent", "votes_qualified", "votes_basically_qualified", "votes_unqualified")


def appraisal_open(*, actor, organization, year: int, meeting=None) -> Appraisal:
    """Start a branch's appraisal for a year; every member on the roll takes part."""
    if organization.org_type not in BRANCH_TYPES:
        raise ValidationError(_("Members are appraised by their branch."))
    if Appraisal.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(_("This branch has already started its appraisal for %(year)s.") % {"year": year})
    with transaction.atomic():
        appraisal = Appraisal.objects.create(organization=organization, year=year, meeting=meeting)
        AppraisalEntry.objects.bulk_create([
            AppraisalEntry(appraisal=appraisal, member=m)
            for m in Member.objects.filter(organization=organization, status__in=ON_ROLL).without_protected()
        ])
        audit_log(actor=actor, action="appraisal.opened", obj=appraisal, organization=organization,
                  changes={"year": year})
    return appraisal


def self_review_submit(*, user, entry: AppraisalEntry, text: str) -> AppraisalEntry:
    """A member hands in their self-review (个人自评)."""
    if entry.member.user_id != user.pk:
        raise ValidationError(_("Only the member can write their own self-review."))
    if entry.appraisal.status != Appraisal.Status.OPEN:
        raise ValidationError(_("This appraisal has concluded."))
    if len(text.strip()) < 20:
        raise ValidationError({"self_review": _("Write your self-review in a few sentences (at least 20 characters).")})
    with transaction.atomic():
        entry.self_review = text.strip()
        entry.save(update_fields=["self_review"])
        audit_log(actor=user, action="appraisal.self_review", obj=entry.appraisal,
                  organization=entry.appraisal.organization)
    return entry


def appraisal_record(*, actor, appraisal: Appraisal, rows: dict[int, dict]) -> Appraisal:
    """Record the vote tallies and the branch's grades: ``rows`` maps entry id → fields."""
    if appraisal.status != Appraisal.Status.OPEN:
        raise ValidationError(_("This appraisal has concluded."))
    entries = {e.pk: e for e in appraisal.entries.select_related("member")}
    for entry_id, data in rows.items():
        entry = entries.get(entry_id)
        if entry is None:
            raise ValidationError(_("The appraisal has no such member."))
        grade = data.get("grade", "")
        if grade and grade not in Grade.values:
            raise ValidationError(_("Unknown grade."))
        if grade == Grade.UNQUALIFIED and not data.get("decision_note", "").strip():
            raise ValidationError({"rows": _("%(name)s is graded unqualified: write down the reasons.")
                                   % {"name": entry.member.name}})
        for name in VOTE_FIELDS:
            setattr(entry, name, int(data.get(name) or 0))
        entry.grade, entry.decision_note = grade, data.get("decision_note", "").strip()
    with transaction.atomic():
        AppraisalEntry.objects.bulk_update(entries.values(), [*VOTE_FIELDS, "grade", "decision_note"])
        audit_log(actor=actor, action="appraisal.recorded", obj=appraisal, organization=appraisal.organization,
                  changes={"graded": sum(1 for e in entries.values() if e.grade)})
    return appraisal


def appraisal_close(*, actor, appraisal: Appraisal) -> Appraisal:
    """Conclude the appraisal once every member has a grade."""
    if appraisal.entries.filter(grade="").exists():
        raise ValidationError(_("Give every member a grade before concluding."))
    with transaction.atomic():
        appraisal.status = Appraisal.Status.CLOSED
        appraisal.save(update_fields=["status"])
        audit_log(actor=actor, action="appraisal.closed", obj=appraisal, organization=appraisal.organization)
    return appraisal
