"""Writes of the weekday themes (主题工作法): a community's weekly plan, the tasks given for a day,
and each cadre's own log of the day.

Who is a cadre of a community here: a user whose view scope covers the community (its secretary,
its committee members, the organizers above it), except read-only auditors. Logs are written
when there is something to say: nothing here reminds, counts or ranks anyone.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text

from .choices import NOT_AREA_TYPES, Weekday
from .models import ThemeLog, ThemePlan, ThemeTask, WeekdayTheme
from .services_firms import require_scope

THEME_LIMIT = 50
TASK_LIMIT = 200
TASK_LINES = 20
LOG_LIMIT = 2000


def cadre_test(user):
    """``organization -> bool``: whether ``user`` is a cadre there (see :func:`may_log`), with the
    user's scopes computed once, for testing many organizations in a loop."""
    view, change, audit = (user_scope(user, action) for action in ("view", "change", "audit"))

    def is_cadre(organization) -> bool:
        return covers(view, organization) and (covers(change, organization) or not covers(audit, organization))

    return is_cadre


def may_log(user, organization) -> bool:
    """Whether ``user`` is a cadre of ``organization``: their view scope covers it and they are not a
    read-only auditor there (an auditor sees the plan but writes nothing)."""
    return cadre_test(user)(organization)


def in_period(plan: ThemePlan, day: datetime.date) -> bool:
    return plan.starts_on <= day and (plan.ends_on is None or day <= plan.ends_on)


def _clean_themes(themes: dict) -> dict[int, tuple[str, str]]:
    """``{weekday: (theme, tasks)}`` checked: weekdays 1–7, a theme of at most 50 characters for each day
    given (a day with tasks but no theme is refused), tasks one a line; at least one day."""
    cleaned, errors = {}, {}
    for weekday, (theme, tasks) in sorted(themes.items()):
        if weekday not in Weekday.values:
            raise ValidationError({"themes": _("A weekday is a number from 1 (Monday) to 7 (Sunday).")})
        try:
            theme = clean_plain_text(theme, f"theme_{weekday}", THEME_LIMIT)
            tasks = clean_plain_text(tasks, f"tasks_{weekday}", LOG_LIMIT)
        except ValidationError as exc:
            errors.update(exc.error_dict)
            continue
        lines = [line.strip() for line in tasks.splitlines() if line.strip()]
        if lines and not theme:
            errors[f"theme_{weekday}"] = [_("Give the day a theme, or leave its tasks empty.")]
        elif len(lines) > TASK_LINES or any(len(line) > TASK_LIMIT for line in lines):
            errors[f"tasks_{weekday}"] = [_("At most %(lines)d tasks of at most %(n)d characters each.") % {
                "lines": TASK_LINES, "n": TASK_LIMIT}]
        elif theme:
            cleaned[weekday] = (theme, "\n".join(lines))
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"themes": _("Give at least one weekday a theme.")})
    return cleaned


def _check_plan(*, organization, title, starts_on, ends_on, exclude=None) -> str:
    if organization.org_type in NOT_AREA_TYPES:
        raise ValidationError({"organization": _("A theme plan belongs to a community committee, not to a branch "
                                                 "or Party group.")})
    title = clean_plain_text(title, "title", 100, required=True)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    overlapping = ThemePlan.objects.filter(organization=organization).exclude(pk=exclude).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    other = overlapping.order_by("starts_on").first()
    if other:
        raise ValidationError({"starts_on": _(
            "%(org)s already has the plan “%(title)s” in force from %(start)s. End that plan first or choose "
            "dates after it.") % {"org": organization.name, "title": other.title, "start": f"{other.starts_on:%Y-%m-%d}"}})
    return title


def _save_themes(plan: ThemePlan, themes: dict[int, tuple[str, str]]) -> None:
    plan.themes.exclude(weekday__in=list(themes)).delete()
    for weekday, (theme, tasks) in themes.items():
        WeekdayTheme.objects.update_or_create(plan=plan, weekday=weekday, defaults={"theme": theme, "tasks": tasks})


def theme_plan_create(*, actor, organization, title: str, starts_on: datetime.date, themes: dict,
                      ends_on: datetime.date | None = None, note: str = "") -> ThemePlan:
    """Set a community's weekly theme plan (制定主题工作计划): a theme and standing tasks per weekday.

    ``themes`` maps weekday numbers (1 Monday … 7 Sunday) to ``(theme, tasks)``, tasks one a line.
    """
    require_scope(actor, "change", organization)
    title = _check_plan(organization=organization, title=title, starts_on=starts_on, ends_on=ends_on)
    cleaned = _clean_themes(themes)
    note = clean_plain_text(note, "note", LOG_LIMIT)
    with transaction.atomic():
        plan = ThemePlan.objects.create(organization=organization, title=title, starts_on=starts_on,
                                        ends_on=ends_on, note=note, created_by=actor)
        _save_themes(plan, cleaned)
        audit_log(actor=actor, action="theme_plan.created", obj=plan, organization=organization, changes={
            "starts_on": starts_on, "ends_on": ends_on, "themes": [f"{w} {t}" for w, (t, _tasks) in cleaned.items()]})
    return plan


def theme_plan_update(*, actor, plan: ThemePlan, title: str, starts_on: datetime.date, themes: dict,
                      ends_on: datetime.date | None = None, note: str = "") -> ThemePlan:
    """Change a plan's title, period, note and weekday themes. Logs keep the theme they were written
    under; a period that would leave logs or day tasks outside it is refused."""
    require_scope(actor, "change", plan.organization)
    title = _check_plan(organization=plan.organization, title=title, starts_on=starts_on, ends_on=ends_on,
                        exclude=plan.pk)
    cleaned = _clean_themes(themes)
    note = clean_plain_text(note, "note", LOG_LIMIT)
    outside = Q(day__lt=starts_on) | (Q(day__gt=ends_on) if ends_on else Q(pk__in=[]))
    if plan.logs.filter(outside).exists() or plan.day_tasks.filter(outside).exists():
        raise ValidationError({"starts_on": _("Logs or day tasks fall outside these dates; keep the period "
                                              "around them.")})
    before = {"title": plan.title, "starts_on": plan.starts_on, "ends_on": plan.ends_on, "note": plan.note}
    old_themes = {t.weekday: (t.theme, t.tasks) for t in plan.themes.all()}
    with transaction.atomic():
        plan.title, plan.starts_on, plan.ends_on, plan.note = title, starts_on, ends_on, note
        plan.save()
        _save_themes(plan, cleaned)
        changes = {k: [str(v), str(getattr(plan, k))] for k, v in before.items() if v != getattr(plan, k)}
        if old_themes != cleaned:
            changes["themes"] = [[f"{w} {t}" for w, (t, _x) in sorted(old_themes.items())],
                                 [f"{w} {t}" for w, (t, _x) in cleaned.items()]]
        audit_log(actor=actor, action="theme_plan.updated", obj=plan, organization=plan.organization,
                  changes=changes)
    return plan


def theme_plan_end(*, actor, plan: ThemePlan, on: datetime.date | None = None) -> ThemePlan:
    """End a plan on a day (today unless given): it is no longer in force after it. Day tasks after that
    day that no log mentions are removed; logs after it forbid the ending."""
    require_scope(actor, "change", plan.organization)
    on = on or timezone.localdate()
    if on < plan.starts_on:
        raise ValidationError({"ends_on": _("The plan starts on %(day)s; change its dates instead of ending it.")
                               % {"day": f"{plan.starts_on:%Y-%m-%d}"}})
    if plan.ends_on is not None and plan.ends_on <= on:
        raise ValidationError({"ends_on": _("The plan already ends on %(day)s.") % {
            "day": f"{plan.ends_on:%Y-%m-%d}"}})
    if plan.logs.filter(day__gt=on).exists():
        raise ValidationError({"ends_on": _("Cadres have written logs after this day; choose a later day.")})
    with transaction.atomic():
        removed, _by_model = plan.day_tasks.filter(day__gt=on, logs__isnull=True).delete()
        before, plan.ends_on = plan.ends_on, on
        plan.save(update_fields=["ends_on"])
        audit_log(actor=actor, action="theme_plan.ended", obj=plan, organization=plan.organization,
                  changes={"ends_on": [str(before), str(on)], "count": removed})
    return plan


def theme_task_add(*, actor, plan: ThemePlan, day: datetime.date, title: str, assignee=None) -> ThemeTask:
    """Give a task for one day of the plan, to one cadre or (no assignee) to every cadre."""
    require_scope(actor, "add", plan.organization)
    if not in_period(plan, day):
        raise ValidationError({"day": _("The day is outside the plan's period.")})
    title = clean_plain_text(title, "title", TASK_LIMIT, required=True)
    if assignee is not None and not may_log(assignee, plan.organization):
        raise ValidationError({"assignee": _("%(name)s is not a cadre of %(org)s.") % {
            "name": assignee, "org": plan.organization.name}})
    with transaction.atomic():
        task = ThemeTask.objects.create(plan=plan, day=day, title=title, assignee=assignee, created_by=actor)
        audit_log(actor=actor, action="theme_task.added", obj=task, organization=plan.organization,
                  changes={"day": day, "assignee": str(assignee) if assignee else ""})
    return task


def theme_task_remove(*, actor, task: ThemeTask) -> None:
    """Take back a day task, as long as no cadre's log mentions it."""
    plan = task.plan
    require_scope(actor, "change", plan.organization)
    if task.logs.exists():
        raise ValidationError(_("A cadre's log mentions this task; it stays."))
    with transaction.atomic():
        audit_log(actor=actor, action="theme_task.removed", obj=plan, organization=plan.organization,
                  changes={"title": task.title, "day": task.day})
        task.delete()


def day_tasks_for(plan: ThemePlan, day: datetime.date, user):
    """The tasks of a day a cadre may report on: those given to them and those given to everyone."""
    return plan.day_tasks.filter(day=day).filter(Q(assignee__isnull=True) | Q(assignee=user))


def theme_log_save(*, actor, plan: ThemePlan, day: datetime.date, done: str, outcomes: str = "", tasks=(),
                   today: datetime.date | None = None) -> ThemeLog:
    """Write or rewrite the actor's own log of a day (工作日志): what they did and what came of it.

    The day's theme is copied into the log, so later changes of the plan do not rewrite it.
    """
    if not may_log(actor, plan.organization):
        raise PermissionDenied
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError({"day": _("A log is written on or after its day, not before.")})
    if not in_period(plan, day):
        raise ValidationError({"day": _("The day is outside the plan's period.")})
    done = clean_plain_text(done, "done", LOG_LIMIT, required=True)
    outcomes = clean_plain_text(outcomes, "outcomes", LOG_LIMIT)
    allowed = {t.pk: t for t in day_tasks_for(plan, day, actor)}
    chosen = [t.pk if isinstance(t, ThemeTask) else int(t) for t in tasks]
    if any(pk not in allowed for pk in chosen):
        raise ValidationError({"tasks": _("Choose among the tasks of that day given to you or to everyone.")})
    weekday_theme = plan.themes.filter(weekday=day.isoweekday()).first()
    with transaction.atomic():
        log, created = ThemeLog.objects.select_for_update().get_or_create(
            plan=plan, day=day, author=actor,
            defaults={"done": done, "outcomes": outcomes, "theme": weekday_theme.theme if weekday_theme else ""})
        if not created:
            log.done, log.outcomes = done, outcomes
            log.save(update_fields=["done", "outcomes", "updated_at"])
        log.tasks.set([allowed[pk] for pk in chosen])
        audit_log(actor=actor, action="theme_log.created" if created else "theme_log.updated", obj=log,
                  organization=plan.organization, changes={"day": day, "tasks": len(chosen)})
    return log


def theme_log_delete(*, actor, log: ThemeLog) -> None:
    """Delete one's own log; nobody deletes another cadre's."""
    if log.author_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        audit_log(actor=actor, action="theme_log.deleted", obj=log.plan, organization=log.plan.organization,
                  changes={"day": log.day})
        log.delete()


def theme_logs_exported(*, actor, plan: ThemePlan, start, end, count: int) -> None:
    """Audit a download of a plan's logs (the ledger spreadsheet)."""
    require_scope(actor, "export", plan.organization)
    audit_log(actor=actor, action="theme_plan.logs_exported", obj=plan, organization=plan.organization,
              changes={"filters": f"{start or ''}–{end or ''}", "count": count})
