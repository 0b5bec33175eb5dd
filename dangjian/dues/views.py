"""Pages of membership dues: the subtree overview, a branch's ledger, collecting a month, a
member's dues, declaring a base, reliefs and their approval, the calculator, xlsx exports."""
import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.dates import add_months, month_start
from dangjian.core.forms import add_service_errors, submit
from dangjian.core.rules import RuleBook, RuleMissing, ancestor_codes
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.choices import MEMBER_HOLDING_TYPES
from dangjian.organizations.choosing import chosen_organization, require_subtree_view
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from . import exporting, selectors, services
from .calculation import dues_amount
from .choices import CellState, DuesBasis, PaymentMethod, ReliefKind, ReliefStatus
from .forms import (
    CalculatorForm,
    CollectMonthForm,
    CorrectionForm,
    DeclarationForm,
    ReliefRequestForm,
    ReliefReviewForm,
    parse_month,
)
from .models import DuesPayment, DuesRelief

# The overview lists at most this many organizations, those most behind first.
OVERVIEW_ROWS = 200


def _year(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
    return year if 2008 <= year <= timezone.localdate().year + 1 else timezone.localdate().year


def _years():
    today = timezone.localdate()
    return range(today.year, today.year - 5, -1)


def _member(request, pk, action="view"):
    """The member of the URL, if the user may see (or change) their dues: 404 out of sight, 403
    for a member whose record is in sight but whose dues are not (a branch-mate's)."""
    member = get_for(request.user, Member.objects.without_protected().select_related("organization"), "view", pk=pk)
    if not selectors.sees_dues_of(request.user, member, action):
        raise PermissionDenied
    return member


def _holding_orgs_below(org, user, action="view"):
    """Organizations below ``org`` that hold members, for choosing a branch (at most 200)."""
    return list(Organization.objects.restrict(user, action).filter(
        path__startswith=org.path, depth__gt=org.depth, org_type__in=MEMBER_HOLDING_TYPES, status="active",
    ).order_by("path")[:200])


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _crumbs(request, member):
    return visible_ancestors(member.organization, request.user) + [member.organization]


def member_url(member):
    return reverse("dues:member", args=[member.pk])


# ---------------------------------------------------------------------------------------------
# Overview and ledgers.


@login_required
@require_GET
def overview(request):
    """Dues in the chosen subtree: each organization's collection this month and this year, arrears."""
    require_subtree_view(request.user)
    org, year = chosen_organization(request), _year(request)
    data = selectors.subtree_ledger(org, year)
    rows = sorted(data.rows, key=lambda r: (-r.serious, -r.three_plus, r.rate if r.rate is not None else 101,
                                            r.organization.path))
    return render(request, "dues/overview.html", {
        "nav": "dues", "org": org, "year": year, "data": data, "rows": rows[:OVERVIEW_ROWS], "total_rows": len(rows),
        "ancestors": visible_ancestors(org, request.user) + [org], "years": _years(),
        "this_month": month_start(timezone.localdate()), "can_export": can(request.user, "export", org),
        "can_collect": org.org_type in MEMBER_HOLDING_TYPES and can(request.user, "change", org),
    })


@login_required
@require_GET
def ledger(request):
    """A branch's dues ledger for a year: members × months, paid cells green, owed cells marked."""
    require_subtree_view(request.user)
    org, year = chosen_organization(request), _year(request)
    data = selectors.branch_ledger(org, year)
    return render(request, "dues/ledger.html", {
        "nav": "dues", "org": org, "year": year, "ledger": data, "years": _years(),
        "ancestors": visible_ancestors(org, request.user) + [org],
        "branches": [] if data.rows else _holding_orgs_below(org, request.user),
        "can_change": can(request.user, "change", org), "can_export": can(request.user, "export", org),
        "states": CellState,
    })


@login_required
@require_GET
def ledger_xlsx(request):
    org, year = chosen_organization(request, "export"), _year(request)
    data = selectors.branch_ledger(org, year)
    audit_log(actor=request.user, action="dues.exported", obj=org, organization=org,
              changes={"year": year, "count": len(data.rows)})
    return _download(exporting.ledger_xlsx(data), f"{org.name}{year}年党费收缴台账.xlsx")


@login_required
@require_GET
def overview_xlsx(request):
    org, year = chosen_organization(request, "export"), _year(request)
    data = selectors.subtree_ledger(org, year)
    audit_log(actor=request.user, action="dues.exported", obj=org, organization=org,
              changes={"year": year, "count": len(data.rows)})
    return _download(exporting.subtree_xlsx(data), f"{org.name}{year}年党费收缴情况.xlsx")


# ---------------------------------------------------------------------------------------------
# Collecting a month.


def _decimal(value):
    try:
        return Decimal(value.strip()) if value and value.strip() else None
    except ArithmeticError:
        return value


@login_required
def collect(request):
    """Collect one month's dues for a branch: each member's amount precomputed; tick who paid."""
    org = chosen_organization(request, "change")
    today = timezone.localdate()
    month = parse_month(request.GET.get("month"), month_start(today))
    members = list(Member.objects.filter(organization=org, status__in=ON_ROLL).without_protected()
                   .select_related("organization").order_by("name_pinyin", "pk"))
    form = CollectMonthForm(request.POST or None)
    if not members:
        return render(request, "dues/collect.html", {
            "nav": "dues", "org": org, "month": month, "form": form, "rows": [],
            "branches": _holding_orgs_below(org, request.user, "change"),
            "ancestors": visible_ancestors(org, request.user) + [org],
        })
    data = selectors.MemberDues(members)
    paid = {p.member_id: p for p in DuesPayment.objects.filter(member__in=[m.pk for m in members], month=month)}
    rows = []
    for member in members:
        due = data.due(member, month, org.path)
        posted = request.method == "POST"
        rows.append({
            "member": member, "due": due, "payment": paid.get(member.pk),
            "exempt": due.relief is not None and due.relief.kind == ReliefKind.EXEMPTION,
            "checked": request.POST.get(f"pay-{member.pk}") == "on" if posted else False,
            "method": request.POST.get(f"method-{member.pk}", "") if posted else "",
            "extra": request.POST.get(f"extra-{member.pk}", "") if posted else "",
            "amount": request.POST.get(f"amount-{member.pk}", "") if posted else "",
        })
    if request.method == "POST" and form.is_valid():
        entries = [{"member": r["member"], "amount_paid": _decimal(r["amount"]), "extra": _decimal(r["extra"]),
                    "method": r["method"] or form.cleaned_data["method"], "paid_on": form.cleaned_data["paid_on"]}
                   for r in rows if r["checked"]]
        try:
            created = services.payments_record(actor=request.user, organization=org, month=month, entries=entries)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(n)d members' dues for %(month)s are recorded: ¥%(total)s.") % {
                "n": len(created), "month": f"{month:%Y-%m}", "total": sum(p.amount_paid + p.extra for p in created)})
            return redirect(reverse("dues:ledger") + f"?org={org.pk}&year={month.year}")
    return render(request, "dues/collect.html", {
        "nav": "dues", "org": org, "month": month, "form": form, "rows": rows, "methods": PaymentMethod.choices,
        "prev_month": add_months(month, -1), "next_month": add_months(month, 1),
        "open_count": sum(1 for r in rows if r["payment"] is None and not r["exempt"]),
        "total_due": sum((r["due"].amount for r in rows if r["payment"] is None and r["due"].amount is not None),
                         Decimal("0.00")),
        "ancestors": visible_ancestors(org, request.user) + [org],
    })


@login_required
def payment_correct(request, pk):
    payment = get_for(request.user, DuesPayment.objects.select_related("member", "organization"), "change", pk=pk)
    form = CorrectionForm(request.POST or None, initial={
        "amount_paid": payment.amount_paid, "extra": payment.extra, "method": payment.method,
        "paid_on": payment.paid_on, "note": payment.note})
    done = submit(request, form, lambda data: services.payment_correct(actor=request.user, payment=payment, **data),
                  message=_("The payment is corrected."), next_url=member_url(payment.member))
    return done or render(request, "dues/form.html", {
        "nav": "dues", "form": form, "member": payment.member, "ancestors": _crumbs(request, payment.member),
        "title": _("Correct the dues of %(name)s for %(month)s") % {"name": payment.member.name,
                                                                     "month": f"{payment.month:%Y-%m}"},
        "intro": _("Due for the month: ¥%(due)s (%(basis)s, base ¥%(base)s, rule %(rule)s). The amount due stays as "
                   "computed when the month was collected.") % {
            "due": payment.amount_due, "basis": payment.get_basis_display(), "base": payment.base,
            "rule": payment.rule_version or "—"},
        "submit": _("Save the correction"), "back": member_url(payment.member),
    })


# ---------------------------------------------------------------------------------------------
# A member's dues.


@login_required
@require_GET
def member_dues(request, pk):
    """A member's dues: what is due now, arrears, paid-up-to, declarations, payments, reliefs."""
    member = _member(request, pk)
    today = timezone.localdate()
    standing = selectors.arrears(member, today)
    due = selectors.due_for(member, today)
    return render(request, "dues/member.html", {
        "nav": "my_dues" if member.user_id == request.user.pk else "dues", "member": member,
        "standing": standing, "due": due, "paid_up_to": selectors.paid_up_to(member),
        "declarations": member.dues_declarations.select_related("declared_by").order_by("-effective_from")[:24],
        "payments": member.dues_payments.select_related("organization").order_by("-month")[:36],
        "reliefs": member.dues_reliefs.select_related("approving_organization").order_by("-from_month"),
        "can_change": member.status in ON_ROLL and selectors.sees_dues_of(request.user, member, "change"),
        "ancestors": visible_ancestors(member.organization, request.user) + [member.organization],
        "bases": DuesBasis.choices, "is_self": member.user_id == request.user.pk,
        "this_month": month_start(today), "limits": standing.level and selectors.thresholds(
            selectors.DuesRules(), today, member.organization.path),
    })


@login_required
def declare(request, pk):
    """Declare a member's dues basis and monthly base from a month on."""
    member = _member(request, pk, "change")
    current = selectors.MemberDues([member]).declaration(member.pk, month_start(timezone.localdate()))
    initial = {"basis": current.basis if current else selectors.default_basis(member.category),
               "base": current.base if current else None}
    form = DeclarationForm(request.POST or None, initial=initial)

    def message(declaration):
        amount, version = dues_amount(declaration.basis, declaration.base, declaration.effective_from,
                                      organization=member.organization)
        return _("Declared: ¥%(amount)s a month from %(month)s (rule %(rule)s).") % {
            "amount": amount, "month": f"{declaration.effective_from:%Y-%m}", "rule": version}

    done = submit(request, form, lambda data: services.declaration_create(actor=request.user, member=member, **data),
                  message=message, next_url=member_url(member))
    return done or render(request, "dues/form.html", {
        "nav": "dues", "form": form, "member": member, "ancestors": _crumbs(request, member),
        "title": _("Declare the dues base of %(name)s") % {"name": member.name},
        "intro": _("The base is the regular after-tax monthly pay. Declare again whenever pay changes; the months "
                   "already collected keep the amount they were collected at."),
        "submit": _("Declare"), "back": member_url(member),
    })


@login_required
def relief_request(request, pk):
    """The branch asks the committee above to reduce or exempt a member's dues."""
    member = _member(request, pk, "change")
    form = ReliefRequestForm(request.POST or None)
    done = submit(request, form, lambda data: services.relief_request(actor=request.user, member=member, **data),
                  message=_("The relief is sent to the Party committee above for approval."),
                  next_url=member_url(member))
    return done or render(request, "dues/form.html", {
        "nav": "dues", "form": form, "member": member, "ancestors": _crumbs(request, member),
        "title": _("Reduce or exempt the dues of %(name)s") % {"name": member.name},
        "intro": _("A member in hardship may pay less or be exempted: the branch decides, the Party committee above "
                   "approves. Until it is approved the member owes the regular amount."),
        "submit": _("Send for approval"), "back": member_url(member),
    })


# ---------------------------------------------------------------------------------------------
# Reliefs.


@login_required
@require_GET
def reliefs(request):
    """Reliefs in the chosen subtree, those waiting for approval first."""
    require_subtree_view(request.user)
    org = chosen_organization(request)
    status = request.GET.get("status", "")
    items = (DuesRelief.objects.restrict(request.user, "view").filter(organization__path__startswith=org.path)
             .select_related("member", "organization", "approving_organization"))
    if status in ReliefStatus.values:
        items = items.filter(status=status)
    items = sorted(items.order_by("-created_at", "-id")[:500], key=lambda r: r.status != ReliefStatus.PENDING)
    scope = user_scope(request.user, "change")
    for relief in items:
        relief.reviewable = relief.status == ReliefStatus.PENDING and (scope.everything or any(
            relief.organization.path.startswith(p) and len(p) < len(relief.organization.path) for p in scope.paths))
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "dues/reliefs.html", {
        "nav": "dues", "org": org, "page_obj": page, "status": status, "statuses": ReliefStatus.choices,
        "ancestors": visible_ancestors(org, request.user) + [org],
    })


@login_required
def relief_review(request, pk):
    """The committee above approves or rejects a relief."""
    relief = get_for(request.user, DuesRelief.objects.select_related("member", "organization"), "view", pk=pk)
    allowed = services.approver_types(relief.organization)
    organizations = (Organization.objects.get_ancestors(relief.organization).restrict(request.user, "change")
                     .filter(org_type__in=allowed).order_by("-depth"))
    if not organizations.exists():
        raise PermissionDenied
    back = reverse("dues:reliefs") + f"?org={organizations[0].pk}"
    form = ReliefReviewForm(request.POST or None, organizations=organizations,
                            initial={"approving_organization": organizations[0].pk})

    def run(data):
        common = {"actor": request.user, "relief": relief, "approving_organization": data["approving_organization"]}
        if data["decision"] == "approve":
            return services.relief_approve(**common, approved_on=data["reviewed_on"], note=data["note"])
        return services.relief_reject(**common, rejected_on=data["reviewed_on"], note=data["note"])

    done = submit(request, form, run, message=lambda r: _("The relief is %(status)s.") % {
        "status": r.get_status_display()}, next_url=back)
    return done or render(request, "dues/relief_review.html", {
        "nav": "dues", "form": form, "relief": relief, "back": back,
        "standing": selectors.arrears(relief.member), "decided": relief.status != ReliefStatus.PENDING,
        "ancestors": visible_ancestors(relief.organization, request.user) + [relief.organization],
    })


# ---------------------------------------------------------------------------------------------
# The calculator.


def rule_tables(on: datetime.date, organization=None) -> dict:
    """The brackets and fixed amounts in force on a day, to show beside the calculator."""
    book = RuleBook(on)
    codes = ancestor_codes(organization) if organization is not None else None
    try:
        return {"wage": book.get("dues.brackets.wage", codes).value, "retired": book.get("dues.brackets.retired", codes).value,
                "farmer": book.get("dues.farmer", codes).value, "fixed": book.get("dues.fixed.amount", codes).value,
                "version": book.get("dues.brackets.wage", codes).version}
    except RuleMissing:
        return {}


@login_required
@require_GET
def calculator(request):
    """How much a member pays a month, for a basis and base, under the rules of a day."""
    data = request.GET if request.GET.get("basis") else None
    form = CalculatorForm(data, initial={"basis": DuesBasis.WAGE, "on": timezone.localdate()})
    result = None
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"] or timezone.localdate()
        try:
            amount, version = dues_amount(form.cleaned_data["basis"], form.cleaned_data["base"], on)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            result = {"amount": amount, "version": version, "on": on}
    on = (form.cleaned_data.get("on") if form.is_bound and form.is_valid() else None) or timezone.localdate()
    return render(request, "dues/calculator.html", {
        "nav": "dues_calculator", "form": form, "result": result, "tables": rule_tables(on),
    })
