"""Follow-up of duties and public commitments: reviews and ending of duty posts (设岗定责 /
党员示范岗), progress notes and the year-end verdict of pledges (公开承诺, 践诺评议)."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log

from .models import DutyPost, DutyPostReview, Pledge, PledgeProgress


def _not_future(day: datetime.date, field: str):
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _actor_name(actor) -> str:
    return (actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else ""


def duty_post_review(*, actor, post: DutyPost, reviewed_on: datetime.date, rating: str, comment: str = "",
                     reviewer: str = "") -> DutyPostReview:
    """Record how a member carried out a duty (履职评价), on a day, by whom."""
    _not_future(reviewed_on, "reviewed_on")
    if reviewed_on < post.started_on:
        raise ValidationError({"reviewed_on": _("A duty cannot be reviewed before it starts.")})
    if post.ended_on and reviewed_on > post.ended_on + datetime.timedelta(days=90):
        raise ValidationError({"reviewed_on": _("This duty ended on %(date)s; review it within three months of that.")
                               % {"date": post.ended_on}})
    reviewer = (reviewer or "").strip() or _actor_name(actor)
    if not reviewer:
        raise ValidationError({"reviewer": _("Say who reviewed the duty.")})
    with transaction.atomic():
        review = DutyPostReview.objects.create(
            post=post, reviewed_on=reviewed_on, rating=rating, comment=comment, reviewer=reviewer,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_log(actor=actor, action="duty_post.reviewed", obj=post.member, organization=post.member.organization,
                  changes={"duty": post.title, "rating": review.rating, "reviewed_on": reviewed_on})
    return review


def duty_post_end(*, actor, post: DutyPost, ended_on: datetime.date, note: str = "") -> DutyPost:
    """End a duty or model post (the duty is done, the member moves on, the post is withdrawn)."""
    if post.ended_on:
        raise ValidationError(_("This duty has already ended."))
    if ended_on < post.started_on:
        raise ValidationError({"ended_on": _("A duty cannot end before it starts.")})
    _not_future(ended_on, "ended_on")
    with transaction.atomic():
        post.ended_on, post.end_note = ended_on, note[:200]
        post.save(update_fields=["ended_on", "end_note"])
        audit_log(actor=actor, action="duty_post.ended", obj=post.member, organization=post.member.organization,
                  changes={"duty": post.title, "ended_on": ended_on}, note=note)
    return post


def pledge_progress_add(*, actor, pledge: Pledge, on: datetime.date, note: str) -> PledgeProgress:
    """Note how a pledge is being kept (践诺情况), while it is open."""
    if pledge.status != Pledge.Status.OPEN:
        raise ValidationError(_("The verdict on this pledge is given; no more progress can be noted."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Describe the progress.")})
    _not_future(on, "on")
    if on.year < pledge.year:
        raise ValidationError({"on": _("The pledge is for %(year)d.") % {"year": pledge.year}})
    with transaction.atomic():
        progress = PledgeProgress.objects.create(pledge=pledge, on=on, note=note,
                                                 recorded_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="pledge.progress", obj=pledge.member, organization=pledge.member.organization,
                  changes={"year": pledge.year, "on": on})
    return progress


def pledge_conclude(*, actor, pledge: Pledge, kept: bool, on: datetime.date, note: str = "") -> Pledge:
    """The year-end verdict (践诺评议): kept or not kept, with the note the branch gives."""
    if pledge.status != Pledge.Status.OPEN:
        raise ValidationError(_("The verdict on this pledge has already been given."))
    _not_future(on, "on")
    if on.year < pledge.year:
        raise ValidationError({"on": _("The verdict on a pledge for %(year)d cannot come before that year.")
                               % {"year": pledge.year}})
    if not kept and not (note or "").strip():
        raise ValidationError({"note": _("Say why the pledge was not kept.")})
    with transaction.atomic():
        before = pledge.status
        pledge.status = Pledge.Status.KEPT if kept else Pledge.Status.NOT_KEPT
        pledge.verdict_on, pledge.follow_up = on, (note or "").strip()
        pledge.save(update_fields=["status", "verdict_on", "follow_up"])
        audit_log(actor=actor, action="pledge.concluded", obj=pledge.member, organization=pledge.member.organization,
                  changes={"year": pledge.year, "status": [before, pledge.status]}, note=pledge.follow_up)
    return pledge
