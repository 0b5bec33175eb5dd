"""Reads of small wishes: the public board, the review queue, a user's own wishes and claims."""
from django.db.models import Case, IntegerField, Q, Value, When

from dangjian.organizations.models import Organization

from .choices import BOARD_STATUSES, WishStatus
from .models import Wish

# The only columns the public board reads: never the wisher, filer, claimer, phone or note.
BOARD_FIELDS = ("id", "organization_id", "building__name", "building_id", "surname", "honorific", "text",
                "category", "status", "expires_on", "claimed_unit", "created_at")


def wish_communities():
    """Organizations that take wishes: those with an active grid."""
    return Organization.objects.filter(grids__active=True).distinct().order_by("path")


def board(org: Organization):
    """The public wish board of a community: on the board, claimed, fulfilled; open ones first."""
    order = Case(When(status=WishStatus.PUBLISHED, then=Value(0)), When(status=WishStatus.CLAIMED, then=Value(1)),
                 default=Value(2), output_field=IntegerField())
    return (Wish.objects.filter(organization=org, status__in=BOARD_STATUSES).select_related("building")
            .only(*BOARD_FIELDS).annotate(rank=order).order_by("rank", "-created_at", "-id"))


def review_queue(user):
    return (Wish.objects.restrict(user, "transition").filter(status=WishStatus.SUBMITTED)
            .select_related("organization", "building").order_by("created_at", "id"))


def own_wishes(user):
    """Wishes the user made, or filed for a resident."""
    return (Wish.objects.filter(Q(wisher=user) | Q(filed_by=user)).select_related("organization", "building")
            .order_by("-created_at", "-id"))


def claimed_by(user):
    return Wish.objects.filter(claimed_by=user).select_related("organization", "building").order_by("fulfil_by", "id")


def claimable(user):
    """Wishes on the board that the user sees (Party members of the community, its secretaries)."""
    return (Wish.objects.restrict(user, "view").filter(status=WishStatus.PUBLISHED)
            .select_related("organization", "building").order_by("expires_on", "id"))
