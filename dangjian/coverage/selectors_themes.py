"""Reads of the weekday themes (主题工作法): the plan in force, a cadre's week, the logs of a plan.

Nothing here counts logs per person: the plan shows what was done, never who did the most.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.access import Role

from .models import ThemeLog, ThemePlan, ThemeTask, WeekdayTheme
from .services_themes import cadre_test

# Roles that make a user a cadre of the community they are held at (for the assignee list).
CADRE_ROLES = (Role.ORGANIZER, Role.SECRETARY, Role.COMMITTEE_MEMBER)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def in_force(day: datetime.date) -> Q:
    """Plans in force on ``day``: started, not yet ended."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def plan_in_force(organization, day: datetime.date) -> ThemePlan | None:
    """The community's plan in force on ``day`` (at most one: overlapping plans are refused)."""
    return (ThemePlan.objects.filter(in_force(day), organization=organization).select_related("organization")
            .order_by("-starts_on").first())


def plans_for(user):
    """The plans of the communities in the user's view, newest first within each community."""
    return (ThemePlan.objects.restrict(user, "view").select_related("organization")
            .order_by("organization__path", "-starts_on", "-id"))


def my_plan(user, day: datetime.date) -> ThemePlan | None:
    """The plan in force a cadre works under: that of a community where they hold a role themselves,
    else the first one in force that they may log under."""
    plans = list(plans_for(user).filter(in_force(day))[:50])
    own = set(RoleAssignment.objects.filter(user=user, grid__isnull=True).values_list("organization_id", flat=True))
    is_cadre = cadre_test(user)
    for plan in sorted(plans, key=lambda p: p.organization_id not in own):
        if is_cadre(plan.organization):
            return plan
    return None


@dataclass
class Day:
    """One day of a cadre's week under a plan."""

    date: datetime.date
    in_plan: bool
    is_today: bool
    is_future: bool
    theme: WeekdayTheme | None = None
    mine: list = field(default_factory=list)
    for_all: list = field(default_factory=list)
    log: ThemeLog | None = None
    others: int = 0

    @property
    def standing(self) -> list[str]:
        return self.theme.task_lines() if self.theme else []


def week(plan: ThemePlan, monday: datetime.date, user, *, today: datetime.date) -> list[Day]:
    """Each day of the week from ``monday``: its theme and standing tasks, the day tasks for the user and
    for everyone, the user's own log and how many logs other cadres wrote that day (a number, no names).
    Five queries whatever the week holds."""
    sunday = monday + datetime.timedelta(days=6)
    themes = {t.weekday: t for t in plan.themes.all()}
    tasks = list(plan.day_tasks.filter(day__range=(monday, sunday)).filter(Q(assignee__isnull=True) | Q(assignee=user)))
    logs = {log.day: log for log in plan.logs.filter(day__range=(monday, sunday), author=user)
            .prefetch_related("tasks")}
    others = dict(plan.logs.filter(day__range=(monday, sunday)).exclude(author=user).values("day")
                  .annotate(n=Count("id")).values_list("day", "n"))
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        in_plan = plan.starts_on <= date and (plan.ends_on is None or date <= plan.ends_on)
        days.append(Day(date=date, in_plan=in_plan, is_today=date == today, is_future=date > today,
                        theme=themes.get(date.isoweekday()) if in_plan else None,
                        mine=[t for t in tasks if t.day == date and t.assignee_id],
                        for_all=[t for t in tasks if t.day == date and not t.assignee_id],
                        log=logs.get(date), others=others.get(date, 0)))
    return days


def logs(plan: ThemePlan, start: datetime.date | None = None, end: datetime.date | None = None, author=None):
    """A plan's logs, newest first, over a period and of one cadre if asked."""
    rows = plan.logs.select_related("author").prefetch_related("tasks")
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    if author is not None:
        rows = rows.filter(author=author)
    return rows.order_by("-day", "-updated_at", "-id")


def log_authors(plan: ThemePlan):
    """The cadres who wrote logs under the plan, by name (for the filter; no counts)."""
    return User.objects.filter(pk__in=plan.logs.values("author")).order_by("full_name", "username")


def day_tasks(plan: ThemePlan, start: datetime.date):
    """Day tasks from ``start`` on, with whether a log mentions them (then they cannot be taken back)."""
    return (plan.day_tasks.filter(day__gte=start).select_related("assignee")
            .annotate(mentioned=Count("logs")).order_by("day", "id"))


def cadres(organization):
    """Users who may be given a task at a community: holders of a secretary, committee member or
    organizer role at it or above it."""
    return (User.objects.filter(is_active=True, role_assignments__grid__isnull=True,
                                role_assignments__role__in=CADRE_ROLES,
                                role_assignments__organization__path__in=organization.lineage_paths)
            .distinct().order_by("full_name", "username"))


def task_choices(plan: ThemePlan, day: datetime.date, user) -> list[ThemeTask]:
    """The day's tasks a cadre may tick in their log."""
    return list(plan.day_tasks.filter(day=day).filter(Q(assignee__isnull=True) | Q(assignee=user)).order_by("id"))
