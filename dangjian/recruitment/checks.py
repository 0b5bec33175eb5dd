"""The conditions of the recruitment rules, shared by the services (which refuse a step) and the
timeline (which shows the step as blocked, with the same words).

Each check returns the messages of what is wrong, empty when all is well; every message that
comes from a rule names the rule's version.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dangjian.core.workdays import WorkCalendar
from dangjian.members.choices import MemberStatus
from dangjian.organizations.choices import OrgType
from dangjian.organizations.models import Organization

from .choices import ContactRole, NoticeOutcome
from .pipeline import Pipeline, StepDef


def day(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def age_problems(pipeline: Pipeline, *, name: str, birth_date: datetime.date, on: datetime.date) -> list[str]:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    minimum = pipeline.value("min_age")
    if age < minimum:
        return [_("%(name)s was %(age)d on the day of the application; an applicant must be at least %(min)d "
                  "(rule %(version)s).") % {"name": name, "age": age, "min": minimum,
                                            "version": pipeline.version_of("min_age")}]
    return []


def contact_count_problems(pipeline: Pipeline, role: str, count: int) -> list[str]:
    """Mentors: one or two (rule); sponsors: two (rule)."""
    if role == ContactRole.MENTOR:
        low, high = pipeline.value("mentors_min"), pipeline.value("mentors_max")
        if not low <= count <= high:
            return [_("Assign %(min)d to %(max)d mentors (rule %(version)s).")
                    % {"min": low, "max": high, "version": pipeline.version_of("mentors_min")}]
        return []
    wanted = pipeline.value("sponsors")
    if count != wanted:
        return [_("Name %(n)d sponsors (rule %(version)s).") % {"n": wanted, "version": pipeline.version_of("sponsors")}]
    return []


def contact_member_problems(pipeline: Pipeline, role: str, member, *, on: datetime.date) -> list[str]:
    """A mentor or sponsor is a full member on the roll; a sponsor is not on probation within the
    Party (留党察看) on the day."""
    version = pipeline.version_of("mentors_min" if role == ContactRole.MENTOR else "sponsors")
    if member.status != MemberStatus.FULL:
        message = (_("%(name)s is not a full member on the roll and cannot be a mentor (rule %(version)s).")
                   if role == ContactRole.MENTOR else
                   _("%(name)s is not a full member on the roll and cannot be a sponsor (rule %(version)s)."))
        return [message % {"name": member.name, "version": version}]
    if role == ContactRole.SPONSOR and member.party_probation_until and member.party_probation_until >= on:
        return [_("%(name)s is on probation within the Party until %(date)s and cannot be a sponsor (rule %(version)s).")
                % {"name": member.name, "date": day(member.party_probation_until), "version": version}]
    return []


def contact_problems(pipeline: Pipeline, role: str, members, *, on: datetime.date) -> list[str]:
    members = list(members)
    problems = contact_count_problems(pipeline, role, len(members))
    if len({m.pk for m in members}) != len(members):
        problems.append(_("The same member is named twice."))
    for member in members:
        problems += contact_member_problems(pipeline, role, member, on=on)
    return problems


def training_problems(pipeline: Pipeline, *, hours: Decimal | None, days: int | None) -> list[str]:
    min_hours, min_days = pipeline.value("training_min_hours"), pipeline.value("training_min_days")
    if (hours or 0) >= Decimal(str(min_hours)) or (days or 0) >= min_days:
        return []
    return [_("The concentrated training must last at least %(hours)s study hours or %(days)d days "
              "(rule %(version)s).") % {"hours": min_hours, "days": min_days,
                                        "version": pipeline.version_of("training_min_hours")}]


def notice_end(notice, calendar: WorkCalendar) -> datetime.date:
    """The notice's last day; one computed through a year without calendar data is computed again
    now (the year may have been loaded since)."""
    if notice.provisional:
        return calendar.working_period_end(notice.starts_on, notice.working_days).date
    return notice.ends_on


def notice_problems(pipeline: Pipeline, step: StepDef, notices, *, on: datetime.date,
                    calendar: WorkCalendar) -> list[str]:
    """A step preceded by a public notice needs one that has ended, without objections, before ``on``."""
    rule = pipeline.notices.get(step.number)
    if rule is None:
        return []
    mine = sorted((n for n in notices if n.before_step == step.number), key=lambda n: (n.starts_on, n.pk or 0))
    if mine:
        latest = mine[-1]
        if latest.outcome == NoticeOutcome.OBJECTIONS:
            return [_("The public notice that began on %(date)s raised objections: look into them and give notice "
                      "again.") % {"date": day(latest.starts_on)}]
        end = notice_end(latest, calendar)
        if latest.outcome == NoticeOutcome.PENDING:
            if end >= on:
                return [_("The public notice runs until %(date)s.") % {"date": day(end)}]
            return [_("The public notice ended on %(date)s: record its outcome first.") % {"date": day(end)}]
        if end < on:
            return []
    return [_("Step %(step)d needs a public notice of %(days)d working days, ended without objections "
              "(rule %(version)s).") % {"step": step.number, "days": rule.working_days, "version": rule.version}]


def approver_problems(pipeline: Pipeline, step: StepDef, organization: Organization | None, *,
                      branch: Organization) -> list[str]:
    """The organization above that took the step: an ancestor of the branch, and for an approval
    one of a type the rules allow (a general branch cannot approve admissions)."""
    if not step.upper_org:
        return []
    if organization is None:
        return [_("Name the organization above that took this step.")]
    if not (branch.path.startswith(organization.path) and organization.path != branch.path):
        return [_("%(org)s is not above %(branch)s.") % {"org": organization.name, "branch": branch.name}]
    allowed = pipeline.value("approving_org_types")
    if step.approval and organization.org_type not in allowed:
        return [_("%(org)s is a %(type)s and cannot approve this step; the rules allow: %(allowed)s (rule %(version)s).")
                % {"org": organization.name, "type": organization.get_org_type_display(),
                   "allowed": "、".join(str(OrgType(t).label) for t in allowed),
                   "version": pipeline.version_of("approving_org_types")}]
    return []
