"""Shared records: the audit log (操作日志) and the versioned rule packs (规则包)."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded change or sensitive read: who did what to which object, and what changed.

    Written only through :func:`dangjian.core.audit.audit_log`; never updated or deleted by the
    application.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("organization"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries cannot be deleted.")


class RulePack(models.Model):
    """A versioned set of rules (规则包) loaded from a reviewed TOML file in ``rules/``.

    A pack naming an organization code is a local override that applies to that organization's
    subtree; the national packs have none. The newest pack in force on a day wins.
    """

    code = models.CharField(_("code"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    organization_code = models.CharField(
        _("applies to"), max_length=32, blank=True,
        help_text=_("Code of the organization whose subtree a local pack covers; empty for national packs."),
    )
    data = models.JSONField(_("rules"), default=dict)
    source = models.CharField(_("source file"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rule pack")
        verbose_name_plural = _("rule packs")
        ordering = ["-effective_from", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rulepack_code_version")]

    def __str__(self):
        return f"{self.code} {self.version}"


class Export(models.Model):
    """One requested export of records to a file (导出), the one export path of the platform.

    Small exports are written at once and keep no file; larger ones are written by the
    background worker under ``MEDIA_ROOT/exports/`` and downloaded by the requester only.
    Created and advanced only through :mod:`dangjian.core.exports`.
    """

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Member roster")
        REPORT_TABLE = "report_table", _("Report table")
        INSPECTION_PACK = "inspection_pack", _("Inspection pack")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="exports/", max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # How far the writer has got, in percent, for exports that take a while (inspection packs).
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def full(self) -> bool:
        """Whether protected personal data is in the file unmasked."""
        return bool(self.params.get("full"))


class CalendarDay(models.Model):
    """A day that breaks the Monday-to-Friday pattern of the official calendar: a public holiday
    (法定节假日, including the weekend days inside a holiday period) or a make-up workday on a
    weekend (调休上班). Seeded from the chinese-calendar package, editable by administrators."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up workday")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose official holidays and make-up workdays are loaded. Working-day dates that
    fall in any other year are marked provisional and recomputed once the year is loaded."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class TaskAttempt(models.Model):
    """A retry of a failed background task (重试): which attempt the queued run is, and the chain's first
    run. First runs have no row. Written only by :mod:`dangjian.core.background`."""

    result_id = models.CharField(_("task run"), max_length=64, unique=True)
    first_id = models.CharField(_("first run"), max_length=64, db_index=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"))

    class Meta:
        verbose_name = _("task attempt")
        verbose_name_plural = _("task attempts")

    def __str__(self):
        return f"{self.first_id} #{self.attempt}"
