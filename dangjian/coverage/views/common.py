"""What the coverage pages share: the organization a page is about, whether the user may act
there, the breadcrumb context, the organizations that may look after firms, and dates from the
query string."""
from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dangjian.core.access import covers, user_scope
from dangjian.organizations.choosing import require_subtree_view
from dangjian.organizations.selectors import organizations_for, visible_ancestors

from ..choices import NOT_AREA_TYPES


def can_do(user, action: str, organization) -> bool:
    """Whether the user's ``action`` scope reaches ``organization``."""
    return organization is not None and covers(user_scope(user, action), organization)


def require_subtree(user) -> None:
    """403 for those without a subtree to look at (ordinary members, grid staff, residents)."""
    require_subtree_view(user)


def base_context(request, org=None, *, nav: str) -> dict:
    """The nav key and the breadcrumb trail down to ``org``."""
    return {"nav": nav, "org": org,
            "ancestors": visible_ancestors(org, request.user) + [org] if org is not None else []}


def area_organizations(user, action: str = "add"):
    """Organizations that may look after firms and buildings, appoint instructors, run admission or
    keep a theme plan: active organizations above branches in the user's ``action`` scope."""
    return organizations_for(user, action, exclude_types=NOT_AREA_TYPES)


def day_param(request, name: str, *, default: datetime.date | None = None, allow_future: bool = True):
    """The date of ``?<name>=`` as ``(day, error)``: ``default`` when absent; ``default`` and a
    message in Chinese for a value that is not a date (or, unless allowed, a day still to come)."""
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return default, None
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        return default, _("“%(value)s” is not a date.") % {"value": raw}
    if not allow_future and day > timezone.localdate():
        return default, _("The day %(value)s is still to come.") % {"value": raw}
    return day, None
