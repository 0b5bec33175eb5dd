"""Reserve cadres (后备人才): each organization's pool of members prepared for its leadership posts,
with their training (培养锻炼) and evaluations (考察评价). Appointment is recorded by the
organizations' own ``post_appoint``; :func:`reserve_cadre_mark_appointed` then links the pool
entry to that post, on the secretary's request (no automatic change)."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.organizations.models import LeadershipPost, Organization, PostKind

from .choices import CadreGrade, CadreStatus, MemberStatus
from .models import CadreEvaluation, CadreTraining, Member, ReserveCadre


def _not_future(day: datetime.date, field: str):
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _open(cadre: ReserveCadre):
    if cadre.status != CadreStatus.IN_POOL:
        raise ValidationError(_("%(name)s is no longer in the pool.") % {"name": cadre.member.name})


def reserve_cadre_add(*, actor, organization: Organization, member: Member, intended_kind: PostKind,
                      added_on: datetime.date, note: str = "") -> ReserveCadre:
    """Put a member in an organization's pool for a kind of post.

    The member must be on the roll and belong to the organization's subtree (a community
    committee draws on its branches).
    """
    errors = {}
    if member.status != MemberStatus.FULL:
        # A probationary member can neither vote nor be elected (党章 第七条).
        errors["member"] = _("Only a full member on the roll can be a reserve cadre.")
    elif member.party_probation_until:
        errors["member"] = _("A member on probation within the Party cannot be a reserve cadre.")
    if not member.organization.path.startswith(organization.path):
        errors["member"] = _("The member must belong to %(org)s or an organization under it.") % {"org": organization.name}
    if organization.org_type == "party_group":
        errors["organization"] = _("A Party group has no leadership posts.")
    if ReserveCadre.objects.filter(member=member, organization=organization, intended_kind=intended_kind,
                                   status=CadreStatus.IN_POOL).exists():
        errors["member"] = _("%(name)s is already in this pool for that post.") % {"name": member.name}
    if errors:
        raise ValidationError(errors)
    _not_future(added_on, "added_on")
    with transaction.atomic():
        cadre = ReserveCadre.objects.create(member=member, organization=organization, intended_kind=intended_kind,
                                            added_on=added_on, note=note,
                                            created_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="reserve_cadre.added", obj=cadre, organization=organization,
                  changes={"member": member.name, "post": intended_kind.name, "added_on": added_on})
    return cadre


def cadre_training_add(*, actor, cadre: ReserveCadre, on: datetime.date, course: str, hours: Decimal,
                       organizer: str = "") -> CadreTraining:
    """A course or assignment the reserve cadre took part in (培养锻炼)."""
    _open(cadre)
    _not_future(on, "on")
    if hours is None or hours <= 0:
        raise ValidationError({"hours": _("Enter the hours, more than zero.")})
    with transaction.atomic():
        training = CadreTraining.objects.create(cadre=cadre, on=on, course=course, hours=hours, organizer=organizer)
        audit_log(actor=actor, action="reserve_cadre.trained", obj=cadre, organization=cadre.organization,
                  changes={"course": course, "hours": hours, "on": on})
    return training


def cadre_evaluation_add(*, actor, cadre: ReserveCadre, on: datetime.date, year: int, grade: str, comment: str = "",
                         evaluator: str = "") -> CadreEvaluation:
    """An evaluation of the reserve cadre (考察评价), yearly or when a post falls vacant."""
    _open(cadre)
    _not_future(on, "on")
    if grade not in CadreGrade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    if year > on.year or year < cadre.added_on.year - 1:
        raise ValidationError({"year": _("The year evaluated must be around the time the cadre was in the pool.")})
    evaluator = (evaluator or "").strip() or ((actor.get_full_name() or actor.get_username())
                                              if getattr(actor, "pk", None) else "")
    if not evaluator:
        raise ValidationError({"evaluator": _("Say who evaluated the cadre.")})
    with transaction.atomic():
        evaluation = CadreEvaluation.objects.create(cadre=cadre, on=on, year=year, grade=grade, comment=comment,
                                                    evaluator=evaluator)
        audit_log(actor=actor, action="reserve_cadre.evaluated", obj=cadre, organization=cadre.organization,
                  changes={"year": year, "grade": grade})
    return evaluation


def appointable_posts(cadre: ReserveCadre):
    """The member's current leadership posts in the pool's organization or below it: the posts
    the entry can be marked as appointed to."""
    return (LeadershipPost.objects.current().filter(member=cadre.member, organization__path__startswith=cadre.organization.path)
            .select_related("organization", "kind"))


def reserve_cadre_mark_appointed(*, actor, cadre: ReserveCadre, post: LeadershipPost) -> ReserveCadre:
    """Mark a pool entry appointed, linked to the leadership post the member now holds."""
    _open(cadre)
    if not appointable_posts(cadre).filter(pk=post.pk).exists():
        raise ValidationError({"post": _("Choose a post %(name)s holds now in %(org)s or below it.")
                               % {"name": cadre.member.name, "org": cadre.organization.name}})
    with transaction.atomic():
        cadre.status, cadre.status_on, cadre.appointed_post = CadreStatus.APPOINTED, post.term_start, post
        cadre.save(update_fields=["status", "status_on", "appointed_post"])
        audit_log(actor=actor, action="reserve_cadre.appointed", obj=cadre, organization=cadre.organization,
                  changes={"post": f"{post.organization.display_name} {post.kind.name}", "term_start": post.term_start})
    return cadre


def reserve_cadre_leave(*, actor, cadre: ReserveCadre, on: datetime.date, note: str) -> ReserveCadre:
    """Take a member out of the pool (调整出库): moved away, no longer suitable, declined."""
    _open(cadre)
    _not_future(on, "on")
    if on < cadre.added_on:
        raise ValidationError({"on": _("The member cannot leave the pool before joining it.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the member leaves the pool.")})
    with transaction.atomic():
        cadre.status, cadre.status_on = CadreStatus.LEFT, on
        cadre.note = f"{cadre.note}\n{note}".strip()
        cadre.save(update_fields=["status", "status_on", "note"])
        audit_log(actor=actor, action="reserve_cadre.left", obj=cadre, organization=cadre.organization,
                  changes={"on": on}, note=note)
    return cadre


def pool_counts(cadres) -> dict:
    """Counts of a pool queryset by status, and of those in the pool by intended post (one query each)."""
    by_status = dict(cadres.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_kind = list(cadres.filter(status=CadreStatus.IN_POOL).values("intended_kind__name").annotate(n=Count("id"))
                   .order_by("-n", "intended_kind__name"))
    return {"status": by_status, "kinds": by_kind, "in_pool": by_status.get(CadreStatus.IN_POOL, 0)}


def pool_by_organization(cadres) -> list[dict]:
    """How many are in the pool per organization, for the subtree overview (one grouped query)."""
    return list(cadres.values("organization", "organization__name").annotate(
        in_pool=Count("id", filter=Q(status=CadreStatus.IN_POOL)),
        appointed=Count("id", filter=Q(status=CadreStatus.APPOINTED)),
    ).order_by("organization__path"))
