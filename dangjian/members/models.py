"""The member roster (党员名册): members, their dated membership in organizations, duties, pledges."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.core.dates import age_on
from dangjian.core.pii import EncryptedTextField
from dangjian.organizations.models import Organization, organizations_in

from .choices import (
    ON_ROLL,
    CadreGrade,
    CadreStatus,
    Category,
    ChangeChannel,
    Education,
    Ethnicity,
    Gender,
    LostContactStatus,
    MemberStatus,
    ReviewRating,
    SearchMethod,
    StandingChangeKind,
)

# Personal fields that stay encrypted and are read only on reveal or export.
PROTECTED_FIELDS = ("id_number", "phone", "address")


def of_member(scope, action) -> Q:
    """Records about a member (study, dues, follow-ups): a member's own, or those of members of the
    scope's subtrees — never branch-mates'."""
    q = Q(member__organization__in=organizations_in(scope, action)) if scope.paths else Q(pk__in=[])
    if scope.member_id:
        q |= Q(member_id=scope.member_id)
    return q


def _public_in_branch(scope, action) -> Q:
    """Records of members in the scope, plus (to view) those of the ordinary member's branch-mates
    on the roll: duties and public commitments are shown to the whole branch."""
    q = of_member(scope, action)
    if scope.own_org_ids:
        q |= Q(member__organization_id__in=scope.own_org_ids, member__status__in=ON_ROLL)
    return q

class MemberQuerySet(RestrictedQuerySet):
    def on_roll(self):
        return self.filter(status__in=ON_ROLL)

    def without_protected(self):
        """Leave the encrypted columns unread (lists show the masked copies)."""
        return self.defer(*PROTECTED_FIELDS)


class PersonalData(models.Model):
    """Who a person is, as the Party's records hold it: name (with pinyin for search), gender,
    ethnicity, birth date, education, and the protected ID number, phone and home address, kept
    encrypted beside their blind index, last digits and masked copy. Shared by members and by
    applicants, whose data becomes the member record on admission with no retyping."""

    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnic group"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    birth_date = models.DateField(_("birth date"))
    id_number = EncryptedTextField(_("ID number"))
    id_number_hash = models.CharField(max_length=40, unique=True, editable=False)
    id_number_last4 = models.CharField(_("ID number last digits"), max_length=4, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    address = EncryptedTextField(_("home address"), blank=True)
    address_masked = models.CharField(_("home address"), max_length=20, blank=True, editable=False)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)

    class Meta:
        abstract = True


class Member(PersonalData):
    """A Party member (党员), full or probationary, and the facts of the member register.

    ``organization`` is the organization that holds the member's organizational relation now;
    :class:`Membership` keeps the dated history. Change both only through the services.
    """

    joined_on = models.DateField(_("joined the Party on"))
    full_member_on = models.DateField(_("full member since"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=MemberStatus.choices, default=MemberStatus.FULL)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.EMPLOYED)
    in_hardship = models.BooleanField(_("in hardship"), default=False)
    party_probation_until = models.DateField(
        _("on probation within the Party until"), null=True, blank=True,
        help_text=_("While on probation within the Party a member may not vote, stand for election or sponsor applicants."),
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        Organization, verbose_name=_("Party group"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="group_members",
    )
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    employer = models.ForeignKey(
        "organizations.Unit", verbose_name=_("firm on the register"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="staff_members",
        help_text=_("The registered firm or social organization the member works in; counts them there."))
    job = models.CharField(_("job"), max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="member",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["organization", "status", "name_pinyin"]),
            models.Index(fields=["status", "category"]),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope, action):
        q = Q(organization__in=organizations_in(scope, action)) if scope.paths else Q(pk__in=[])
        if scope.member_id:
            q |= Q(pk=scope.member_id)
        if scope.own_org_ids:
            q |= Q(organization_id__in=scope.own_org_ids, status__in=ON_ROLL)
        return q

    @property
    def is_on_roll(self):
        return self.status in ON_ROLL

    def party_standing(self, on: datetime.date | None = None) -> int:
        """党龄: whole years since becoming a full member (none while probationary)."""
        if not self.full_member_on:
            return 0
        on = on or timezone.localdate()
        years = on.year - self.full_member_on.year
        if (on.month, on.day) < (self.full_member_on.month, self.full_member_on.day):
            years -= 1
        return max(years, 0)

    def age(self, on: datetime.date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())


class Membership(models.Model):
    """A period in which an organization held the member's relation (from, to): past rosters."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        ordering = ["member", "started_on", "id"]
        indexes = [models.Index(fields=["organization", "started_on", "ended_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="membership_one_open_period"
            )
        ]

    def __str__(self):
        return f"{self.member} @ {self.organization} {self.started_on}–{self.ended_on or ''}"


class DutyPost(models.Model):
    """A duty assigned to a member (设岗定责), possibly a model post (党员示范岗)."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="duty_posts")
    title = models.CharField(_("duty"), max_length=100)
    description = models.TextField(_("responsibilities"), blank=True)
    is_model_post = models.BooleanField(_("model post"), default=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    end_note = models.CharField(_("why it ended"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty post")
        verbose_name_plural = _("duty posts")
        ordering = ["-started_on"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        return _public_in_branch(scope, action)

    @property
    def is_open(self):
        return self.ended_on is None


class DutyPostReview(models.Model):
    """A dated evaluation of how a member carried out a duty (履职评价)."""

    post = models.ForeignKey(DutyPost, verbose_name=_("duty post"), on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date"))
    rating = models.CharField(_("rating"), max_length=8, choices=ReviewRating.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.CharField(_("reviewed by"), max_length=50)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty review")
        verbose_name_plural = _("duty reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"{self.post} {self.reviewed_on} {self.get_rating_display()}"


class Pledge(models.Model):
    """A public commitment (公开承诺) a member makes for a year, with how it was kept."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        KEPT = "kept", _("Kept")
        NOT_KEPT = "not_kept", _("Not kept")

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="pledges")
    year = models.PositiveSmallIntegerField(_("year"))
    content = models.TextField(_("commitment"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # The year-end verdict's note (践诺评议); dated progress notes are PledgeProgress rows.
    follow_up = models.TextField(_("verdict note"), blank=True)
    verdict_on = models.DateField(_("verdict given on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-year", "id"]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.year} {self.content[:20]}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _public_in_branch(scope, action)


class PledgeProgress(models.Model):
    """A dated note of how a pledge is being kept (践诺情况)."""

    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="progress")
    on = models.DateField(_("date"))
    note = models.TextField(_("progress"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge progress")
        verbose_name_plural = _("pledge progress")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.on} {self.note[:20]}"


class MemberStatusChange(models.Model):
    """One change of a member's standing (出党, 停止党籍, 恢复, 留党察看 …): the log of the transitions."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="status_changes")
    kind = models.CharField(_("kind"), max_length=20, choices=StandingChangeKind.choices, default=StandingChangeKind.STATUS)
    from_status = models.CharField(_("from"), max_length=24, choices=MemberStatus.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=MemberStatus.choices)
    effective_on = models.DateField(_("effective on"))
    party_probation_until = models.DateField(_("on probation within the Party until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    document = models.TextField(_("decision document"), blank=True)
    channel = models.CharField(_("procedure"), max_length=16, choices=ChangeChannel.choices, default=ChangeChannel.MANUAL)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("standing change")
        verbose_name_plural = _("standing changes")
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.member} {self.from_status}→{self.to_status} {self.effective_on}"

    @classmethod
    def scope_filter(cls, scope, action):
        return of_member(scope, action)


class ReserveCadre(models.Model):
    """A member in an organization's pool of reserve cadres (后备人才) for a kind of post."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="cadre_entries")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="reserve_cadres",
        help_text=_("The organization whose leadership posts the member is prepared for."),
    )
    intended_kind = models.ForeignKey("organizations.PostKind", verbose_name=_("intended post"),
                                      on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField(_("added on"))
    status = models.CharField(_("status"), max_length=16, choices=CadreStatus.choices, default=CadreStatus.IN_POOL)
    status_on = models.DateField(_("status since"), null=True, blank=True)
    appointed_post = models.ForeignKey("organizations.LeadershipPost", verbose_name=_("appointed to"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["organization", "status", "-added_on", "id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["member", "organization", "intended_kind"], condition=Q(status="in_pool"),
                                    name="reserve_cadre_once_in_pool"),
        ]

    def __str__(self):
        return f"{self.member} → {self.organization} {self.intended_kind}"

    @classmethod
    def scope_filter(cls, scope, action):
        q = Q(organization__in=organizations_in(scope, action)) if scope.paths else Q(pk__in=[])
        if action == "view" and scope.paths:
            q |= Q(member__organization__in=organizations_in(scope, action))
        if scope.member_id:
            q |= Q(member_id=scope.member_id)
        return q


class CadreTraining(models.Model):
    """A course a reserve cadre attended (培养锻炼)."""

    cadre = models.ForeignKey(ReserveCadre, on_delete=models.CASCADE, related_name="trainings")
    on = models.DateField(_("date"))
    course = models.CharField(_("course"), max_length=100)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    organizer = models.CharField(_("organized by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("cadre training")
        verbose_name_plural = _("cadre trainings")
        ordering = ["-on", "-id"]

    def __str__(self):
        return self.course


class CadreEvaluation(models.Model):
    """A yearly or occasional evaluation of a reserve cadre (考察评价)."""

    cadre = models.ForeignKey(ReserveCadre, on_delete=models.CASCADE, related_name="evaluations")
    on = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=16, choices=CadreGrade.choices)
    comment = models.TextField(_("comment"), blank=True)
    evaluator = models.CharField(_("evaluated by"), max_length=50)

    class Meta:
        verbose_name = _("cadre evaluation")
        verbose_name_plural = _("cadre evaluations")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.year} {self.get_grade_display()}"


class LostContactCase(models.Model):
    """A member the branch cannot reach (失联党员): the search, then found or handled under the rules."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="lost_contact_cases")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="lost_contact_cases")
    since = models.DateField(_("out of contact since"))
    status = models.CharField(_("status"), max_length=16, choices=LostContactStatus.choices,
                              default=LostContactStatus.SEARCHING)
    previous_status = models.CharField(_("standing before"), max_length=24, choices=MemberStatus.choices)
    suspended_on = models.DateField(_("membership suspended on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    rule_version = models.CharField(_("rule version"), max_length=64, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lost-contact case")
        verbose_name_plural = _("lost-contact cases")
        ordering = ["-since", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status__in=["searching", "suspended"]),
                                    name="lost_contact_one_open_case"),
        ]

    def __str__(self):
        return f"{self.member} {self.since}"

    @classmethod
    def scope_filter(cls, scope, action):
        q = Q(organization__in=organizations_in(scope, action)) if scope.paths else Q(pk__in=[])
        if scope.member_id:
            q |= Q(member_id=scope.member_id)
        return q

    @property
    def is_open(self):
        return self.status in (LostContactStatus.SEARCHING, LostContactStatus.SUSPENDED)


class SearchRecord(models.Model):
    """One attempt to reach a lost-contact member (查找记录)."""

    case = models.ForeignKey(LostContactCase, on_delete=models.CASCADE, related_name="searches")
    on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=16, choices=SearchMethod.choices)
    result = models.TextField(_("result"))
    searched_by = models.CharField(_("searched by"), max_length=50)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("search record")
        verbose_name_plural = _("search records")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.on} {self.get_method_display()}"
