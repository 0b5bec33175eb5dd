"""Records of the reports app: the definitions of the report tables, and the monthly summaries sent.

Figures themselves are never stored as records: they are computed from the other apps' records
(``dangjian.reports.figures``) and at most kept for a while in the statistics cache.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet, path_filter


class ReportTable(models.Model):
    """The definition of one report table (统计报表), kept as data: the standard yearly tables and the
    collection tables of the national member-management system come from TOML files in
    ``rules/reports/``; a site adds or changes a table by editing its definition, not the code.

    ``spec`` is the parsed definition (``dangjian.reports.tables`` documents its keys); ``source``
    is the TOML text it was read from, kept so that an administrator edits what they see.
    """

    class Kind(models.TextChoices):
        AGGREGATE = "aggregate", _("Figures by organization or group")
        RECORDS = "records", _("One row per record")

    class Origin(models.TextChoices):
        FILE = "file", _("Shipped with the platform")
        SITE = "site", _("Added on this site")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=30)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.AGGREGATE)
    spec = models.JSONField(_("definition"), default=dict)
    source = models.TextField(_("definition (TOML)"))
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.FILE)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report table")
        verbose_name_plural = _("report tables")
        ordering = ["order", "code"]

    def __str__(self):
        return self.title


class MonthlySummary(models.Model):
    """The monthly summary of one organization's subtree (月度统计摘要), sent to its organizers on the
    first days of the next month: the figures as they stood at the month's end, kept as sent."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organization"),
                                     on_delete=models.CASCADE, related_name="monthly_summaries")
    month = models.DateField(_("month"), help_text=_("The first day of the month summarized."))
    figures = models.JSONField(_("figures"), default=dict)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("sent to"), blank=True,
                                        related_name="monthly_summaries")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        ordering = ["-month", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="monthly_summary_once")]

    def __str__(self):
        return f"{self.organization} {self.month:%Y-%m}"

    @classmethod
    def scope_filter(cls, scope, action):
        """Seen by those whose subtree holds the organization summarized."""
        return path_filter(scope, "organization__path")
