"""Organizational life (组织生活): meetings with attendance and minutes, and study hours."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.members.models import Member, of_member
from dangjian.organizations.models import Organization, organizations_in

from .choices import AttendanceStatus, Grade, MeetingKind, MeetingStatus, StudySource


def _held_by_organization(scope, action) -> Q:
    """Records of organizations in the scope's subtrees, or of an ordinary member's own branch."""
    q = Q(organization__in=organizations_in(scope, action)) if scope.paths else Q(pk__in=[])
    if scope.own_org_ids:
        q |= Q(organization_id__in=scope.own_org_ids)
    return q


def new_sign_in_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Meeting(models.Model):
    """One meeting or activity of organizational life (三会一课, 主题党日, 组织生活会 …).

    Recording it (``meeting_record``) is the one entry from which attendees' study hours,
    the organization's compliance and the meeting ledger are all derived.
    """

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="meetings")
    joint_organizations = models.ManyToManyField(
        Organization, verbose_name=_("joint organizations"), blank=True, related_name="joint_meetings",
        help_text=_("Other organizations holding this meeting together; it counts for each of them."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MeetingKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("time"))
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=4, decimal_places=1, default=2)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("held online"), default=False)
    host = models.ForeignKey(Member, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    recorder = models.ForeignKey(Member, verbose_name=_("recorder"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    study_hours = models.DecimalField(_("study hours credited"), max_digits=4, decimal_places=1, default=0)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    sign_in_code = models.CharField(_("sign-in code"), max_length=6, default=new_sign_in_code)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["organization", "kind", "starts_at"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.topic}"

    @classmethod
    def scope_filter(cls, scope, action):
        q = _held_by_organization(scope, action)
        if scope.member_id:
            q |= Q(pk__in=Attendance.objects.filter(member_id=scope.member_id).values("meeting"))
        return q


class Attendance(models.Model):
    """A member invited to a meeting, and whether they came (出席 / 请假 / 缺席)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.INVITED)
    leave_reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    voting = models.BooleanField(_("has a vote"), default=True,
                                 help_text=_("Mobile members attending where they are have no vote."))
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    self_signed = models.BooleanField(_("signed in by the member"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self):
        return f"{self.member} {self.get_status_display()}"


class Resolution(models.Model):
    """A decision put to the vote at a meeting, with the votes and the verdict under the rules."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.TextField(_("resolution"))
    votes_for = models.PositiveIntegerField(_("for"), default=0)
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    passed = models.BooleanField(_("passed"), default=False)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["id"]

    def __str__(self):
        return self.text[:40]


class MeetingAttachment(models.Model):
    """A photo or file kept with a meeting's record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="meetings/%Y/%m/")
    title = models.CharField(_("title"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title or self.file.name


class StudyRecord(models.Model):
    """Study hours credited to a member (学时), from a meeting, a course, home delivery or self-study."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="study_records")
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    source = models.CharField(_("source"), max_length=16, choices=StudySource.choices)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="study_records")
    title = models.CharField(_("title"), max_length=200)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    course = models.ForeignKey("Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="study_records")
    note = models.OneToOneField("StudyNote", null=True, blank=True, on_delete=models.CASCADE, related_name="study_record")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["member", "on"])]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], condition=Q(meeting__isnull=False),
                                               name="study_once_per_meeting")]

    def __str__(self):
        return f"{self.member} {self.hours} {self.title}"

    @classmethod
    def scope_filter(cls, scope, action):
        return of_member(scope, action)


class Course(models.Model):
    """A course in the study library (远程教育课程): material to study, worth some hours once finished.

    Finishing is the member's own word; the platform does not time viewing or force check-ins.
    """

    organization = models.ForeignKey(Organization, verbose_name=_("published by"), on_delete=models.PROTECT,
                                     related_name="courses")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), blank=True, help_text=_("Address of the video or article, if it is online."))
    material = models.FileField(_("material"), upload_to="courses/", blank=True)
    hours = models.DecimalField(_("study hours"), max_digits=4, decimal_places=1)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-published_at"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        """Everyone sees the courses published above or inside their scope; publishers change them."""
        inside = Q(organization__in=organizations_in(scope, action)) if scope.paths else Q(pk__in=[])
        if action != "view":
            return inside
        paths = [*scope.paths, *Organization.objects.filter(pk__in=scope.own_org_ids).values_list("path", flat=True)]
        step = Organization.steplen
        above = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
        return inside | Q(organization__path__in=above)


class StudyNote(models.Model):
    """A member's written reflection on their self-study (学习心得), approved by the secretary."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="study_notes")
    title = models.CharField(_("what was studied"), max_length=200)
    content = models.TextField(_("reflection"))
    hours = models.DecimalField(_("hours of study"), max_digits=4, decimal_places=1)
    studied_on = models.DateField(_("studied on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    review_note = models.CharField(_("reviewer's note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("study note")
        verbose_name_plural = _("study notes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        return of_member(scope, action)


class Appraisal(models.Model):
    """A branch's yearly appraisal of its members (民主评议党员): self-review, mutual review and a
    democratic vote, then the branch's decision for each member."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Concluded")

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="appraisals")
    year = models.PositiveSmallIntegerField(_("year"))
    meeting = models.ForeignKey(Meeting, verbose_name=_("held at"), null=True, blank=True, on_delete=models.SET_NULL,
                                help_text=_("The organizational life meeting it was held with, if any."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member appraisal")
        verbose_name_plural = _("member appraisals")
        ordering = ["-year", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="appraisal_once_a_year")]

    def __str__(self):
        return f"{self.organization} {self.year}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _held_by_organization(scope, action)


class AppraisalEntry(models.Model):
    """One member in an appraisal: their self-review, the tally of the vote and the branch's grade."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="appraisals")
    self_review = models.TextField(_("self-review"), blank=True)
    votes_excellent = models.PositiveIntegerField(_("votes for excellent"), default=0)
    votes_qualified = models.PositiveIntegerField(_("votes for qualified"), default=0)
    votes_basically_qualified = models.PositiveIntegerField(_("votes for basically qualified"), default=0)
    votes_unqualified = models.PositiveIntegerField(_("votes for unqualified"), default=0)
    grade = models.CharField(_("grade"), max_length=24, choices=Grade.choices, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("appraisal entry")
        verbose_name_plural = _("appraisal entries")
        ordering = ["member__name_pinyin"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="appraised_once")]

    def __str__(self):
        return f"{self.member} {self.get_grade_display()}"


class Election(models.Model):
    """The election of a new committee when a term ends (换届选举).

    planned → nominated (candidate list) → approved (by the level above) → voted (at the branch
    general meeting) → confirmed (by the level above), which creates the new leadership posts
    and term from the result, with no retyping. Every step is logged in :class:`ElectionStep`.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        NOMINATED = "nominated", _("Candidates nominated")
        APPROVED = "approved", _("Candidates approved")
        VOTED = "voted", _("Voted")
        CONFIRMED = "confirmed", _("Result approved")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="elections")
    seats = models.PositiveSmallIntegerField(_("committee seats"))
    planned_on = models.DateField(_("planned for"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    meeting = models.ForeignKey(Meeting, verbose_name=_("voting meeting"), null=True, blank=True,
                                on_delete=models.SET_NULL)
    voting_members = models.PositiveIntegerField(_("members with a vote"), default=0)
    voters_present = models.PositiveIntegerField(_("voters present"), default=0)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-planned_on"]

    def __str__(self):
        return f"{self.organization} {self.planned_on:%Y}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _held_by_organization(scope, action)


class Candidate(models.Model):
    """A nominee (候选人) for a seat, with the post they are proposed for and the votes they got."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    post_kind = models.ForeignKey("organizations.PostKind", verbose_name=_("proposed post"), on_delete=models.PROTECT)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    elected = models.BooleanField(_("elected"), default=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["post_kind__order", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="candidate_once")]

    def __str__(self):
        return f"{self.member} {self.post_kind}"


class ElectionStep(models.Model):
    """One transition of an election: who, in which role, when, from which state to which, note."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="steps")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("role"), max_length=32, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=16)
    to_status = models.CharField(_("to"), max_length=16)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("election step")
        verbose_name_plural = _("election steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    @property
    def to_label(self):
        return Election.Status(self.to_status).label
