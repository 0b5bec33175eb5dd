"""Reads of transfers and of the mobile-member register: the lists both sides see, the workbench
alerts, a member's organization on any day."""
import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangjian.core.dates import add_months
from dangjian.core.rules import RuleBook, ancestor_codes
from dangjian.members.models import PROTECTED_FIELDS, Membership
from dangjian.organizations.models import Organization

from .choices import TransferStatus
from .models import MobileMember, Transfer

TABS = ("outgoing", "incoming", "history")


def organizations_on(member, day: datetime.date) -> list[int]:
    """Ids of the organizations holding ``member`` on ``day`` (periods are [from, to))."""
    return list(Membership.objects.filter(member=member, started_on__lte=day)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day)).values_list("organization_id", flat=True))


def _in_subtree(field: str, root: Organization | None) -> Q:
    return Q(**{f"{field}__path__startswith": root.path}) if root is not None else Q()


def transfer_list(user, *, tab: str = "outgoing", root: Organization | None = None, kind: str = "",
                  status: str = "", q: str = ""):
    """Transfers a user sees on one tab: outgoing pending (sent from the subtree), incoming pending
    (addressed to it) or the history of closed ones; ``root`` narrows to one subtree."""
    items = (Transfer.objects.restrict(user, "view").select_related("member", "from_organization", "to_organization")
             .defer(*(f"member__{f}" for f in PROTECTED_FIELDS)))
    if tab == "history":
        items = items.exclude(status=TransferStatus.PENDING)
        if root is not None:
            items = items.filter(_in_subtree("from_organization", root) | _in_subtree("to_organization", root))
        if status:
            items = items.filter(status=status)
    else:
        items = items.filter(status=TransferStatus.PENDING)
        field = "from_organization" if tab == "outgoing" else "to_organization"
        items = items.filter(**{f"{field}__isnull": False})
        if root is not None:
            items = items.filter(_in_subtree(field, root))
        else:
            visible = Organization.objects.restrict(user, "view").values("pk")
            items = items.filter(**{f"{field}__in": visible})
    if kind:
        items = items.filter(kind=kind)
    if q:
        items = items.filter(Q(member__name__contains=q) | Q(member__name_initials__istartswith=q)
                             | Q(letter_number__icontains=q))
    order = ["valid_until", "id"] if tab != "history" else ["-sent_on", "-id"]
    return items.order_by(*order)


def tab_counts(user, root: Organization | None) -> dict[str, int]:
    """How many pending transfers each tab holds (one query)."""
    pending = Transfer.objects.restrict(user, "view").filter(status=TransferStatus.PENDING)
    if root is not None:
        out_q, in_q = _in_subtree("from_organization", root), _in_subtree("to_organization", root)
    else:
        visible = Organization.objects.restrict(user, "view").values("pk")
        out_q, in_q = Q(from_organization__in=visible), Q(to_organization__in=visible)
    return pending.aggregate(outgoing=Count("pk", filter=out_q), incoming=Count("pk", filter=in_q))


def workbench_items(*, root: Organization, user, today: datetime.date) -> list[dict]:
    """Alerts for the workbench: transfers to receive, letters expired or about to, members away
    long enough to be transferred instead. Three queries (the rule packs, two counts)."""
    book = RuleBook(today)
    # Ancestor codes matter only if a local pack touches these rules (saves a query otherwise).
    local = any(p.organization_code and ("transfers" in p.data or "mobile" in p.data) for p in book.packs)
    codes = ancestor_codes(root) if local else {}
    warning_days = int(book.get("transfers.expiry_warning_days", codes).value)
    soon = today + datetime.timedelta(days=warning_days)
    outgoing, incoming = _in_subtree("from_organization", root), _in_subtree("to_organization", root)
    counts = (Transfer.objects.restrict(user, "change").filter(status=TransferStatus.PENDING)
              .filter(outgoing | incoming)
              .aggregate(incoming=Count("pk", filter=incoming),
                         first_incoming=Min("valid_until", filter=incoming),
                         expired=Count("pk", filter=outgoing & Q(valid_until__lt=today)),
                         expiring=Count("pk", filter=outgoing & Q(valid_until__gte=today, valid_until__lte=soon)),
                         first_expiring=Min("valid_until", filter=outgoing & Q(valid_until__gte=today))))
    base = reverse("transfers:list")
    items = []
    if counts["incoming"]:
        items.append({"kind": "alert", "label": _("To receive"), "overdue": False, "when": counts["first_incoming"],
                      "url": f"{base}?tab=incoming&org={root.pk}",
                      "text": ngettext("%(n)d member's transfer waits for you to receive it",
                                       "%(n)d members' transfers wait for you to receive them",
                                       counts["incoming"]) % {"n": counts["incoming"]}})
    if counts["expired"]:
        items.append({"kind": "alert", "label": _("Expired"), "overdue": True, "when": None,
                      "url": f"{base}?tab=outgoing&org={root.pk}",
                      "text": ngettext("%(n)d transfer letter has expired: re-issue or cancel it",
                                       "%(n)d transfer letters have expired: re-issue or cancel them",
                                       counts["expired"]) % {"n": counts["expired"]}})
    if counts["expiring"]:
        items.append({"kind": "alert", "label": _("Expires soon"), "overdue": False, "when": counts["first_expiring"],
                      "url": f"{base}?tab=outgoing&org={root.pk}",
                      "text": ngettext("%(n)d transfer letter expires within %(days)d days",
                                       "%(n)d transfer letters expire within %(days)d days",
                                       counts["expiring"]) % {"n": counts["expiring"], "days": warning_days}})
    months = int(book.get("mobile.transfer_after_months", codes).value)
    long_away = (MobileMember.objects.restrict(user, "change").active()
                 .filter(member__organization__path__startswith=root.path,
                         left_on__lte=add_months(today, -months), transfer_impossible=False).count())
    if long_away:
        items.append({"kind": "alert", "label": _("Away long"), "overdue": False, "when": None,
                      "url": f"{reverse('transfers:mobile_list')}?org={root.pk}&long=1",
                      "text": ngettext("%(n)d mobile member has been away %(months)d months or more: consider a transfer",
                                       "%(n)d mobile members have been away %(months)d months or more: consider a transfer",
                                       long_away) % {"n": long_away, "months": months}})
    return items


def mobile_registrations(user, *, root: Organization | None = None, returned: bool = False, destination: str = "",
                         long_away_before: datetime.date | None = None):
    """The registrations of the mobile-member register a user sees: active (or returned), from
    ``root``'s subtree (home or where they take part), optionally by destination or long away."""
    items = MobileMember.objects.restrict(user, "view").filter(returned_on__isnull=not returned)
    if root is not None:
        items = items.filter(Q(member__organization__path__startswith=root.path)
                             | Q(contact_organization__path__startswith=root.path))
    if destination:
        items = items.filter(destination__contains=destination)
    if long_away_before is not None:
        items = items.filter(left_on__lte=long_away_before, transfer_impossible=False)
    return items


def mobile_list(user, **filters):
    """The register's rows, with their member, organizations and number of activities."""
    return (mobile_registrations(user, **filters)
            .select_related("member", "member__organization", "contact_organization")
            .defer(*(f"member__{f}" for f in PROTECTED_FIELDS))
            .annotate(activity_count=Count("activities"))
            .order_by("destination", "member__name_pinyin", "id"))


def destination_summary(user, **filters) -> list[dict]:
    """How many registrations each destination has, biggest first (for the register's side panel)."""
    rows = (mobile_registrations(user, **filters).order_by().values("destination").annotate(n=Count("pk"))
            .order_by("-n", "destination"))
    return list(rows[:20])


def member_status_panel(member) -> dict:
    """What the member page shows: the active mobile registration and the pending transfer, if any."""
    return {
        "away": MobileMember.objects.filter(member=member, returned_on__isnull=True)
        .select_related("contact_organization").first(),
        "pending": Transfer.objects.filter(member=member, status=TransferStatus.PENDING)
        .select_related("to_organization").first(),
    }
