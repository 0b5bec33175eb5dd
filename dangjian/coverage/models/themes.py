"""Weekday themes (主题工作法): a community's weekly plan giving each weekday a theme and its
tasks, the tasks given to cadres on a day, and the short log each cadre keeps of what they did.

There is no check-in and no ranking: a log is written when there is something to say.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.organizations.models import Organization

from ..choices import Weekday
from .scope import of_org


class ThemePlan(models.Model):
    """A community's weekly theme plan (主题工作计划), in force from one day to another."""

    organization = models.ForeignKey(Organization, verbose_name=_("community"), on_delete=models.PROTECT,
                                     related_name="theme_plans")
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = of_org()

    class Meta:
        verbose_name = _("weekday theme plan")
        verbose_name_plural = _("weekday theme plans")
        ordering = ["organization", "-starts_on", "-id"]

    def __str__(self):
        return self.title


class WeekdayTheme(models.Model):
    """The theme of one weekday in a plan (e.g. 周二 走访日) and the standing tasks of that day."""

    plan = models.ForeignKey(ThemePlan, on_delete=models.CASCADE, related_name="themes")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    theme = models.CharField(_("theme"), max_length=50)
    tasks = models.TextField(_("standing tasks"), blank=True, help_text=_("One task a line."))

    class Meta:
        verbose_name = _("weekday theme")
        verbose_name_plural = _("weekday themes")
        ordering = ["plan", "weekday"]
        constraints = [models.UniqueConstraint(fields=["plan", "weekday"], name="coverage_theme_weekday_once")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.theme}"

    def task_lines(self) -> list[str]:
        return [line.strip() for line in self.tasks.splitlines() if line.strip()]


class ThemeTask(models.Model):
    """A task given for one day of a plan, to one cadre or (no assignee) to every cadre."""

    plan = models.ForeignKey(ThemePlan, on_delete=models.CASCADE, related_name="day_tasks")
    day = models.DateField(_("date"))
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cadre"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="theme_tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_filter = of_org("plan__organization")

    class Meta:
        verbose_name = _("theme task")
        verbose_name_plural = _("theme tasks")
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["plan", "day"])]

    def __str__(self):
        return self.title


class ThemeLog(models.Model):
    """A cadre's short log of one day under a plan: what they did and what came of it."""

    plan = models.ForeignKey(ThemePlan, on_delete=models.CASCADE, related_name="logs")
    day = models.DateField(_("date"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cadre"), on_delete=models.PROTECT,
                               related_name="theme_logs")
    theme = models.CharField(_("theme"), max_length=50, blank=True)
    tasks = models.ManyToManyField(ThemeTask, verbose_name=_("tasks done"), blank=True, related_name="logs")
    done = models.TextField(_("what I did"))
    outcomes = models.TextField(_("outcomes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme log")
        verbose_name_plural = _("theme logs")
        ordering = ["-day", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "day", "author"], name="coverage_theme_log_once")]

    def __str__(self):
        return f"{self.author} {self.day}"

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        return Q(plan__in=ThemePlan.objects.filter(ThemePlan.scope_filter(scope, action)).values("pk"))
