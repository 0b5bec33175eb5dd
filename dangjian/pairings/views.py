"""Pages of pairings (结对帮扶) and hardship funds (互助金)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, covers, get_for, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.forms import submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.grid.models import Household
from dangjian.grid.services_grids import household_read
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from . import exporting, selectors, services
from .choices import EntryDirection, PairingStatus
from .forms import EndPairingForm, FundEntryForm, FundForm, PairingForm, VisitForm
from .models import Fund, Pairing

PICK_LIMIT = 800


def _chosen_org(request, action):
    """The organization of ``?org=`` (404 out of sight, 403 outside the user's subtrees for
    ``action``), or the first organization of the user's subtrees."""
    scope = user_scope(request.user, action)
    if request.GET.get("org"):
        org = get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
        if not covers(scope, org):
            raise PermissionDenied
        return org
    roots = Organization.objects.filter(depth=1) if scope.everything else Organization.objects.filter(
        path__in=scope.paths)
    org = roots.order_by("path").first() if (scope.everything or scope.paths) else None
    if org is None:
        raise PermissionDenied
    return org


def _may_add_anywhere(user) -> bool:
    scope = user_scope(user, "add")
    return bool(scope.everything or scope.paths)


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def pairing_url(pairing):
    return reverse("pairings:detail", args=[pairing.pk])


def _may_visit(user, pairing) -> bool:
    """Keepers of the organization's records, and the paired member themselves."""
    own = pairing.member_id is not None and pairing.member.user_id == user.pk
    return own or can(user, "change", pairing)


@login_required
@require_GET
def pairing_list(request):
    """Pairings in sight: a keeper's subtree, or a member's own pairings."""
    scope = user_scope(request.user, "view")
    if scope.empty:
        raise PermissionDenied
    status = request.GET.get("status", PairingStatus.ACTIVE)
    q = request.GET.get("q", "").strip()
    pairings = selectors.search(selectors.pairings_for(request.user), q)
    if status in PairingStatus.values:
        pairings = pairings.filter(status=status)
    page = Paginator(pairings.order_by("-started_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "pairings/list.html", {
        "nav": "pairings", "page_obj": page, "status": status, "q": q, "statuses": PairingStatus.choices,
        "can_add": _may_add_anywhere(request.user), "show_funds": bool(scope.everything or scope.paths),
    })


def _households_for(org):
    """Active households of the organization's community: grids of the organization, of one above it
    or of one below it."""
    return (Household.objects.filter(Q(building__grid__organization__path__in=org.lineage_paths)
                                     | Q(building__grid__organization__path__startswith=org.path), active=True)
            .select_related("building").defer("contact_phone").order_by("building__name", "room"))


@login_required
def pairing_new(request):
    """Pair a member or a unit of an organization with a household."""
    org = _chosen_org(request, "add")
    members = (Member.objects.on_roll().without_protected().select_related("organization")
               .filter(organization__path__startswith=org.path).order_by("organization__path", "name_pinyin"))
    households = _households_for(org)
    too_many = members.count() > PICK_LIMIT or households.count() > PICK_LIMIT
    form = None if too_many else PairingForm(request.POST or None, members=members, households=households)
    if form is not None:
        done = submit(request, form, lambda data: services.pairing_create(actor=request.user, organization=org,
                                                                           **data),
                      message=_("The pairing is started."), next_url=pairing_url)
        if done:
            return done
    return render(request, "pairings/pairing_form.html", {
        "nav": "pairings", "org": org, "form": form, "too_many": too_many,
        "children": Organization.objects.get_children(org).restrict(request.user, "view") if too_many else [],
    })


def _pairing(request, pk, action="view"):
    queryset = (Pairing.objects.select_related("organization", "member", "household__building__grid__organization")
                .defer("member__id_number", "member__phone", "member__address", "household__contact_phone"))
    return get_for(request.user, queryset, action, pk=pk)


@login_required
@require_GET
def pairing_detail(request, pk):
    """One pairing: the household (masked), the goals, the visits and the fund payments made for it."""
    pairing = _pairing(request, pk)
    household_read(actor=request.user, household=pairing.household)
    may_change = can(request.user, "change", pairing)
    return render(request, "pairings/detail.html", {
        "nav": "pairings", "pairing": pairing, "household": pairing.household,
        "visits": pairing.visits.all(),
        "payments": pairing.fund_entries.filter(fund__in=Fund.objects.restrict(request.user, "view"))
        .select_related("fund").order_by("-entry_date", "-id"),
        "can_change": may_change and pairing.is_active,
        "can_visit": pairing.is_active and _may_visit(request.user, pairing),
    })


@login_required
def visit_add(request, pk):
    """Record a visit under a pairing (the paired member may record their own)."""
    pairing = _pairing(request, pk)
    if not _may_visit(request.user, pairing):
        raise PermissionDenied
    form = VisitForm(request.POST or None)
    done = submit(request, form, lambda data: services.pairing_visit_record(actor=request.user, pairing=pairing,
                                                                             **data),
                  message=_("The visit is recorded."), next_url=pairing_url(pairing))
    return done or render(request, "pairings/form.html", {
        "nav": "pairings", "form": form, "back": pairing_url(pairing),
        "title": _("Record a visit: %(pairing)s") % {"pairing": pairing}, "submit": _("Record the visit"),
    })


@login_required
def pairing_end(request, pk):
    pairing = _pairing(request, pk, "change")
    form = EndPairingForm(request.POST or None)
    done = submit(request, form, lambda data: services.pairing_end(actor=request.user, pairing=pairing, **data),
                  message=_("The pairing is ended."), next_url=pairing_url(pairing))
    return done or render(request, "pairings/form.html", {
        "nav": "pairings", "form": form, "back": pairing_url(pairing),
        "title": _("End the pairing: %(pairing)s") % {"pairing": pairing}, "submit": _("End the pairing"),
    })


# Funds ---------------------------------------------------------------------------------------

@login_required
@require_GET
def fund_list(request):
    """Hardship funds of the user's subtrees with their balances."""
    scope = user_scope(request.user, "view")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    return render(request, "pairings/funds.html", {
        "nav": "pairings_funds", "funds": selectors.funds_for(request.user),
        "can_add": _may_add_anywhere(request.user),
    })


@login_required
def fund_new(request):
    org = _chosen_org(request, "add")
    form = FundForm(request.POST or None)
    done = submit(request, form, lambda data: services.fund_create(actor=request.user, organization=org, **data),
                  message=_("The fund is opened."), next_url=lambda fund: reverse("pairings:ledger", args=[fund.pk]))
    return done or render(request, "pairings/form.html", {
        "nav": "pairings_funds", "form": form, "back": reverse("pairings:funds"),
        "title": _("Open a hardship fund of %(org)s") % {"org": org.name}, "submit": _("Open the fund"),
    })


def _fund(request, pk, action="view"):
    return get_for(request.user, Fund.objects.select_related("organization"), action, pk=pk)


@login_required
@require_GET
def fund_ledger(request, pk):
    """The ledger of a fund's year: opening balance, entries with running balance, totals."""
    fund = _fund(request, pk)
    today = timezone.localdate()
    year = _year(request, today.year)
    return render(request, "pairings/ledger.html", {
        "nav": "pairings_funds", "fund": fund, "ledger": selectors.ledger(fund, year), "year": year,
        "years": selectors.entry_years(fund, today), "balance": fund.balance(),
        "can_add": can(request.user, "add", fund), "can_export": can(request.user, "export", fund),
    })


@login_required
@require_GET
def fund_ledger_xlsx(request, pk):
    fund = _fund(request, pk, "export")
    year = _year(request, timezone.localdate().year)
    ledger = selectors.ledger(fund, year)
    audit_log(actor=request.user, action="fund.exported", obj=fund, organization=fund.organization,
              changes={"year": year, "count": len(ledger.rows)})
    response = HttpResponse(exporting.ledger_xlsx(ledger), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{fund.name}{year}年台账.xlsx")
    return response


def _entry_add(request, pk, direction):
    fund = _fund(request, pk, "add")
    pairings = (Pairing.objects.restrict(request.user, "view")
                .filter(organization__path__startswith=fund.organization.path, status=PairingStatus.ACTIVE)
                .select_related("member", "household__building")
                .defer("member__id_number", "member__phone", "member__address", "household__contact_phone"))
    form = FundEntryForm(request.POST or None, direction=direction, pairings=pairings)
    back = f"{reverse('pairings:ledger', args=[fund.pk])}"
    done = submit(request, form, lambda data: services.fund_entry_add(actor=request.user, fund=fund,
                                                                       direction=direction, **data),
                  message=_("The entry is recorded."),
                  next_url=lambda entry: f"{back}?year={entry.entry_date.year}")
    title = (_("Record an income of %(fund)s") if direction == EntryDirection.INCOME
             else _("Record a payment from %(fund)s")) % {"fund": fund.name}
    return done or render(request, "pairings/form.html", {
        "nav": "pairings_funds", "form": form, "back": back, "title": title, "submit": _("Record"),
        "balance": fund.balance(),
    })


@login_required
def income_add(request, pk):
    return _entry_add(request, pk, EntryDirection.INCOME)


@login_required
def payment_add(request, pk):
    return _entry_add(request, pk, EntryDirection.PAYMENT)
