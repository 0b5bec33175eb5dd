"""Recruitment (发展党员): people in the pipeline, the steps recorded for them, their contacts,
documents and public notices, and the log of their files' transitions.

Only facts are stored: dates a step was taken, who took part, what was decided. The stage, the
earliest and latest dates of the next steps and every warning are computed from these records
and the rule pack (``selectors.timeline``), never stored, so a recomputation can never overwrite
a recorded date.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet, path_filter
from dangjian.members.choices import Category
from dangjian.members.models import Member, PersonalData
from dangjian.organizations.models import Organization

from .choices import ApplicantStatus, ContactRole, NoticeOutcome

# Personal fields kept encrypted, with the same names (and bookkeeping) as on Member.
PROTECTED_FIELDS = ("id_number", "phone", "address")


class ApplicantQuerySet(RestrictedQuerySet):
    def without_protected(self):
        return self.defer(*PROTECTED_FIELDS)


class Applicant(PersonalData):
    """A person in the recruitment pipeline (入党申请人 → 积极分子 → 发展对象 → 预备党员 → 正式党员).

    ``organization`` is the branch in charge. The person's data is entered once here and copied
    to the member record on admission, with no retyping.
    """

    organization = models.ForeignKey(Organization, verbose_name=_("branch in charge"), on_delete=models.PROTECT,
                                     related_name="applicants")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.EMPLOYED)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True,
                                 help_text=_("Also for activists in private firms and social organizations."))
    employer = models.ForeignKey(
        "organizations.Unit", verbose_name=_("firm on the register"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="staff_applicants",
        help_text=_("The registered firm or social organization the applicant works in; counts them there."))
    job = models.CharField(_("job"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ApplicantStatus.choices,
                              default=ApplicantStatus.IN_PROGRESS)
    stop_reason = models.CharField(_("reason for stopping"), max_length=300, blank=True)
    member = models.OneToOneField(Member, verbose_name=_("member record"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="recruitment_file")
    probation_extension_months = models.PositiveSmallIntegerField(_("probation extended by (months)"), default=0)
    probation_extended_on = models.DateField(_("probation extended on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["name_pinyin", "id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope, action):
        """Files of branches in the scope's subtrees; an ordinary member sees only the file that
        made them a member and those of people they currently mentor or sponsor (never the
        branch's other applicants: their files hold political reviews and personal data)."""
        q = path_filter(scope, "organization__path")
        if scope.member_id and action == "view":
            q |= Q(member_id=scope.member_id)
            q |= Q(pk__in=ApplicantContact.objects.filter(member_id=scope.member_id, ended_on__isnull=True)
                   .values("applicant"))
        return q

    def age(self, on):
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


class RecruitmentStep(models.Model):
    """One of the 25 steps, recorded as taken: when, who took part, by which organization.

    A recorded date changes only through ``step_correct`` (audited, with a reason).
    """

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    done_on = models.DateField(_("date"))
    actors = models.TextField(_("who took part"), blank=True,
                              help_text=_("Who talked, who attended, who decided."))
    approving_organization = models.ForeignKey(Organization, verbose_name=_("organization above"), null=True,
                                                blank=True, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(_("training hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    training_days = models.PositiveSmallIntegerField(_("training days"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recruitment step")
        verbose_name_plural = _("recruitment steps")
        ordering = ["applicant", "number"]
        constraints = [models.UniqueConstraint(fields=["applicant", "number"], name="recruitment_step_once")]
        indexes = [models.Index(fields=["number", "done_on"])]

    def __str__(self):
        return f"{self.applicant} #{self.number} {self.done_on}"


class ApplicantContact(models.Model):
    """A mentor (培养联系人) or sponsor (入党介绍人) of an applicant, for a period."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("role"), max_length=16, choices=ContactRole.choices)
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentor or sponsor")
        verbose_name_plural = _("mentors and sponsors")
        ordering = ["role", "started_on", "id"]
        constraints = [models.UniqueConstraint(fields=["applicant", "role", "member"], condition=Q(ended_on__isnull=True),
                                               name="applicant_contact_once")]

    def __str__(self):
        return f"{self.get_role_display()} {self.member}"


class StepDocument(models.Model):
    """A file kept with a step: the application letter, thought reports (思想汇报), the form (志愿书)…"""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="documents")
    step_number = models.PositiveSmallIntegerField(_("step"))
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to="recruitment/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recruitment document")
        verbose_name_plural = _("recruitment documents")
        ordering = ["step_number", "uploaded_at", "id"]

    def __str__(self):
        return self.title


class PublicNotice(models.Model):
    """A public notice (公示) before a step, for a number of working days, and its outcome."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="notices")
    before_step = models.PositiveSmallIntegerField(_("before step"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    provisional = models.BooleanField(_("end date provisional"), default=False,
                                      help_text=_("The end fell in a year whose official calendar is not loaded yet."))
    outcome = models.CharField(_("outcome"), max_length=16, choices=NoticeOutcome.choices, default=NoticeOutcome.PENDING)
    objections = models.TextField(_("objections"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["starts_on", "id"]

    def __str__(self):
        return f"{self.applicant} {self.starts_on}–{self.ends_on}"


class ApplicantTransition(models.Model):
    """One transition of a file's status: who, in which role, when, from which status to which, note."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    role = models.CharField(_("role"), max_length=32, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=16, choices=ApplicantStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ApplicantStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"
