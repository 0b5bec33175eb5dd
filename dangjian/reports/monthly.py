"""Monthly summaries (月度统计摘要): at the start of each month, the key figures of the month before
for each committee's subtree, kept as a :class:`~.models.MonthlySummary` and sent to the
organization's organizers and secretaries (in-app and e-mail, by the configured channels).

The figures are read from the statistics layer through its cache (``figures.overview``). A stock (members on the
roll, study completion) is its value on the month's last day; a flow of the month (admitted, left,
meetings held, dues collected, requests filed and closed, volunteer hours) is the year-to-date
figure on the month's last day less the one on the last day of the month before (in January,
the year-to-date figure itself). Each figure is kept with its value for the month before and the
change.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.access import Role
from dangjian.core.audit import audit_log
from dangjian.core.dates import add_months, month_start
from dangjian.core.rules import rule_value
from dangjian.organizations.choices import OrgStatus
from dangjian.organizations.models import Organization

from . import figures as stats
from .formatting import format_value, number
from .models import MonthlySummary

logger = logging.getLogger(__name__)

RECIPIENT_ROLES = (Role.ORGANIZER, Role.SECRETARY)


@dataclass(frozen=True)
class KeyFigure:
    """A figure of the summary, read from the statistics at ``path``; ``flow`` figures are counted over
    the month (the year to the month's end less the year to the month before's)."""

    code: str
    label: str
    path: str
    unit: str = "count"
    flow: bool = False


KEY_FIGURES = [
    KeyFigure("members", gettext_lazy("Members on the roll"), "members.total"),
    KeyFigure("admitted", gettext_lazy("Admitted this month"), "members.changes.admitted", flow=True),
    KeyFigure("left", gettext_lazy("Left the Party this month"), "members.changes.left", flow=True),
    KeyFigure("meetings", gettext_lazy("Meetings held this month"), "orglife.meetings_total", flow=True),
    KeyFigure("study", gettext_lazy("Study-hour completion"), "orglife.study.rate", unit="percent"),
    KeyFigure("dues", gettext_lazy("Dues collected this month"), "dues.collected", unit="yuan", flow=True),
    KeyFigure("requests_filed", gettext_lazy("Requests filed this month"), "grid.requests.filed", flow=True),
    KeyFigure("requests_closed", gettext_lazy("Requests closed this month"), "grid.requests.closed", flow=True),
    KeyFigure("volunteer_hours", gettext_lazy("Volunteer hours this month"), "volunteers.hours", unit="hours",
              flow=True),
]
BY_CODE = {f.code: f for f in KEY_FIGURES}


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month_start(month), 1) - datetime.timedelta(days=1)


def _out(value: Decimal | None, unit: str):
    """A computed value in the convention of the statistics: ints for counts, strings of decimals else."""
    if value is None:
        return None
    if unit == "count":
        return int(value)
    return f"{value.quantize(Decimal('0.01'))}"


def _month_value(answers: dict, path: str, day: datetime.date, flow: bool):
    """The figure at ``path`` for the month ending on ``day`` (flows: this day's year to date less the
    month before's, unless the month is January)."""
    value = number(stats.dig(answers[day], path))
    if not flow or value is None or day.month == 1:
        return value
    before = number(stats.dig(answers[month_start(day) - datetime.timedelta(days=1)], path))
    return None if before is None else value - before


def summary_figures(organization: Organization, month: datetime.date) -> dict:
    """The key figures of ``organization``'s subtree for ``month`` and the month before, as kept in a
    summary: ``{"on": <last day>, "figures": [{code, path, unit, value, previous, change}, ...]}``."""
    month = month_start(month)
    end = month_end(month)
    previous_end = month - datetime.timedelta(days=1)
    days = [end, previous_end, month_start(previous_end) - datetime.timedelta(days=1)]
    sections = sorted({key.path.split(".")[0] for key in KEY_FIGURES})
    # Through the statistics cache: the month before's days were read for last month's summary.
    answers = {day: stats.overview(organization, day, sections, fresh=True) for day in days}
    rows = []
    for key in KEY_FIGURES:
        value = _month_value(answers, key.path, end, key.flow)
        previous = _month_value(answers, key.path, previous_end, key.flow)
        change = value - previous if value is not None and previous is not None else None
        rows.append({"code": key.code, "path": key.path, "unit": key.unit, "value": _out(value, key.unit),
                     "previous": _out(previous, key.unit), "change": _out(change, key.unit)})
    return {"on": end.isoformat(), "figures": rows}


def recipient_types(on: datetime.date) -> list[str]:
    return list(rule_value("monthly.recipient_types", on=on))


def recipients_by_organization(on: datetime.date) -> dict[int, list[int]]:
    """Active organizations of the recipient types → the active users holding the organizer's or the
    secretary's role at them (only organizations that have such users)."""
    rows = (RoleAssignment.objects.filter(role__in=RECIPIENT_ROLES, grid__isnull=True, user__is_active=True,
                                          organization__status=OrgStatus.ACTIVE,
                                          organization__org_type__in=recipient_types(on))
            .values_list("organization_id", "user_id").order_by("organization__path", "user_id").distinct())
    found: dict[int, list[int]] = {}
    for org_id, user_id in rows:
        found.setdefault(org_id, [])
        if user_id not in found[org_id]:
            found[org_id].append(user_id)
    return found


def summary_text(summary: MonthlySummary) -> str:
    """The body of the notification: one line per figure, with the change from the month before."""
    lines = []
    for row in figure_rows(summary):
        value = row["display"]
        if row["change_display"]:
            value = f"{value}（{_('change')} {row['change_display']}）"
        lines.append(f"{row['label']}：{value}")
    return "\n".join(lines)


def _signed(value, unit: str) -> str:
    amount = number(value)
    if amount is None:
        return ""
    text = format_value(value, unit) if unit != "percent" else _("%(value)s points") % {"value": value}
    return f"+{text}" if amount > 0 else text


def figure_rows(summary: MonthlySummary) -> list[dict]:
    """The figures of a summary as shown: label, value, value of the month before, change (signed)."""
    rows = []
    for row in summary.figures.get("figures", []):
        key = BY_CODE.get(row.get("code"))
        unit = row.get("unit", "count")
        change = row.get("change")
        amount = number(change)
        rows.append({
            **row,
            "label": str(key.label) if key else row.get("code"),
            "display": format_value(row.get("value"), unit),
            "previous_display": format_value(row.get("previous"), unit),
            "change_display": _signed(change, unit),
            "direction": "" if not amount else ("up" if amount > 0 else "down"),
        })
    return rows


def summary_create(*, organization: Organization, month: datetime.date, user_ids: list[int]) -> MonthlySummary | None:
    """Keep and send the summary of ``organization`` for ``month``; None if it was made before."""
    month = month_start(month)
    if MonthlySummary.objects.filter(organization=organization, month=month).exists():
        return None
    figures = summary_figures(organization, month)
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    try:
        with transaction.atomic():
            summary = MonthlySummary.objects.create(organization=organization, month=month, figures=figures)
            summary.recipients.set(users)
            _notify(summary, users)
    except IntegrityError:  # made meanwhile by another run
        return None
    return summary


def _notify(summary: MonthlySummary, users) -> None:
    from dangjian.notices.services import notify

    title = _("Monthly summary of %(organization)s for %(month)s") % {
        "organization": summary.organization.name, "month": f"{summary.month:%Y-%m}"}
    notify(users, title=title, body=summary_text(summary), url=reverse("reports:monthly_detail", args=[summary.pk]))


def monthly_summaries_send(*, month: datetime.date) -> int:
    """Make and send the summaries of ``month`` that are not made yet (safe to rerun); how many were made."""
    month = month_start(month)
    end = month_end(month)
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        targets = recipients_by_organization(end)
        organizations = Organization.objects.filter(pk__in=list(targets)).order_by("path")
        done = set(MonthlySummary.objects.filter(month=month, organization__in=list(targets))
                   .values_list("organization_id", flat=True))
        for organization in organizations:
            if organization.pk in done:
                continue
            try:
                if summary_create(organization=organization, month=month, user_ids=targets[organization.pk]):
                    made += 1
            except Exception:  # one organization's failure must not stop the others; a rerun retries it
                logger.exception("Monthly summary of %s for %s failed", organization.pk, month)
        if made:
            audit_log(actor=None, action="monthly_summary.sent", changes={"month": f"{month:%Y-%m}", "count": made})
    return made


def default_month(today: datetime.date) -> datetime.date | None:
    """The month whose summaries are due on ``today``: the month before, from the rule's day of sending
    on (None before that day)."""
    day = int(rule_value("monthly.send_on_day", on=today))
    if today.day < day:
        return None
    return add_months(month_start(today), -1)
