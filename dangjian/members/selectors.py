"""Reads of the roster."""
from .filters import MemberFilter
from .models import Member


def roster_filter(*, user, params) -> MemberFilter:
    """The roster a user sees, narrowed by the roster's filters; the page and the export share it."""
    base = Member.objects.restrict(user, "view").without_protected().select_related("organization")
    return MemberFilter(params, queryset=base, user=user)
