"""Pages of hardship and care: the hardship register, cases and their support, care visits and the
festival care list. Seen only by those who keep the records and by auditors (see ``models``)."""
import datetime

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
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from dangjian.core.access import get_for
from dangjian.core.audit import audit_log
from dangjian.core.forms import submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.members.models import Member
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from . import exporting, selectors, services
from .choices import FESTIVALS, CaseStatus, HardshipKind, Occasion, SupportKind
from .forms import CareListForm, CareVisitBatchForm, CloseCaseForm, HardshipCaseForm, SupportForm
from .models import CareVisit, HardshipCase, care_scope, in_care_scope, kind_filter

# Protected member columns never read by these pages (lists show names only).
MEMBER_DEFER = ("member__id_number", "member__phone", "member__address")
# Above this many members, pick forms ask to narrow to an organization first.
PICK_LIMIT = 800


def case_url(case):
    return reverse("care:case", args=[case.pk])


def _chosen_org(request, action="view"):
    """The organization named by ``?org=`` (404 out of sight, 403 outside the user's care scope),
    or the first organization of the user's care scope."""
    scope = care_scope(request.user, action)
    if request.GET.get("org"):
        org = get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
        if not in_care_scope(scope, org):
            raise PermissionDenied
        return org
    roots = Organization.objects.filter(depth=1) if scope.everything else Organization.objects.filter(path__in=scope.paths)
    org = roots.order_by("path").first() if not scope.empty else None
    if org is None:
        raise PermissionDenied
    return org


def _case(request, pk, action="view"):
    queryset = HardshipCase.objects.select_related("member", "member__organization", "registered_by").defer(*MEMBER_DEFER)
    return get_for(request.user, queryset, action, pk=pk)


def _year(request, default):
    try:
        return int(request.GET.get("year") or default)
    except ValueError:
        return default


def _base(request, org, nav="care"):
    return {"nav": nav, "org": org, "ancestors": visible_ancestors(org, request.user) + [org]}


@login_required
@require_GET
def register(request):
    """The hardship register (困难党员台账) of an organization's subtree: counts, filters, cases."""
    org = _chosen_org(request)
    today = timezone.localdate()
    rules = selectors.care_rules(org, today)
    status, kind = request.GET.get("status", CaseStatus.OPEN), request.GET.get("kind", "")
    q, stale = request.GET.get("q", "").strip(), request.GET.get("stale") == "1"
    cutoff = today - datetime.timedelta(days=rules.follow_up_days)
    cases = selectors.with_figures(selectors.cases_in(request.user, org)).defer(*MEMBER_DEFER)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if kind in HardshipKind.values:
        cases = cases.filter(kind_filter(kind))
    if q:
        cases = cases.filter(Q(member__name__contains=q) | Q(member__name_pinyin__icontains=q)
                             | Q(member__name_initials__icontains=q))
    if stale:
        cases = cases.filter(selectors.stale_filter(cutoff))
    page = Paginator(cases.order_by("-opened_on", "-id"), 30).get_page(request.GET.get("page"))
    for case in page:
        case.contact = selectors.last_contact(case)
        case.stale = case.is_open and case.opened_on < cutoff and (case.contact is None or case.contact < cutoff)
    return render(request, "care/register.html", {
        **_base(request, org), "page_obj": page, "status": status, "kind": kind, "q": q, "stale": stale,
        "statuses": CaseStatus.choices, "kinds": HardshipKind.choices, "rules": rules,
        "counts": selectors.register_counts(request.user, org, today.year), "year": today.year,
        "stale_count": selectors.with_figures(selectors.cases_in(request.user, org))
        .filter(selectors.stale_filter(cutoff)).count(),
        "by_org": selectors.open_by_organization(request.user, org),
        "can_add": in_care_scope(care_scope(request.user, "add"), org),
        "can_export": in_care_scope(care_scope(request.user, "export"), org),
    })


@login_required
def open_case(request):
    """Register a member in hardship; from a member's page the member is already chosen."""
    scope = care_scope(request.user, "add")
    members = Member.objects.on_roll().without_protected().select_related("organization")
    if request.GET.get("member"):
        member = get_for(request.user, members, "view", pk=request.GET["member"])
        if not in_care_scope(scope, member.organization):
            raise PermissionDenied
        org, members = member.organization, members.filter(pk=member.pk)
        initial = {"member": member}
    else:
        org = _chosen_org(request, "add")
        members = members.filter(organization__path__startswith=org.path).order_by("organization__path", "name_pinyin")
        initial = {}
    too_many = "member" not in initial and members.count() > PICK_LIMIT
    form = HardshipCaseForm(request.POST or None, members=members, initial=initial)
    if too_many:
        form = None
    else:
        done = submit(request, form, lambda data: services.hardship_case_open(actor=request.user, **data),
                      message=lambda case: _("%(name)s is registered as in hardship.") % {"name": case.member.name},
                      next_url=case_url)
        if done:
            return done
    return render(request, "care/case_form.html", {
        **_base(request, org), "form": form, "too_many": too_many,
        "children": Organization.objects.get_children(org).restrict(request.user, "view") if too_many else [],
    })


@login_required
@require_GET
def case_detail(request, pk):
    """One hardship case: the situation, support given with totals, the member's care visits."""
    case = _case(request, pk)
    supports = list(case.supports.select_related("given_by_organization"))
    can_change = in_care_scope(care_scope(request.user, "change"), case.member.organization)
    money = sum((s.amount for s in supports if s.kind == SupportKind.MONEY and s.amount), start=0)
    by_kind = {code: sum(1 for s in supports if s.kind == code) for code in SupportKind.values}
    return render(request, "care/case.html", {
        **_base(request, case.member.organization), "case": case, "supports": supports, "money": money,
        "by_kind": [(code, label, by_kind[code]) for code, label in SupportKind.choices if by_kind[code]],
        "visits": case.member.care_visits.order_by("-visited_on", "-id")[:20],
        "other_cases": case.member.hardship_cases.exclude(pk=case.pk).order_by("-opened_on"),
        "can_change": can_change and case.is_open,
        "support_form": _support_form(request, case, data=None) if can_change and case.is_open else None,
    })


def _support_form(request, case, data):
    org = case.member.organization
    organizations = Organization.objects.filter(path__in=org.lineage_paths).restrict(request.user, "view").order_by(
        "path")
    return SupportForm(data, organizations=organizations, initial={"given_by_organization": org})


@login_required
def support_add(request, pk):
    """Record support given on a case (帮扶记录)."""
    case = _case(request, pk, "change")
    form = _support_form(request, case, request.POST or None)
    done = submit(request, form, lambda data: services.support_record(actor=request.user, case=case, **data),
                  message=_("The support is recorded."), next_url=case_url(case))
    return done or render(request, "care/form.html", {
        **_base(request, case.member.organization), "form": form, "back": case_url(case),
        "title": _("Record support for %(name)s") % {"name": case.member.name}, "submit": _("Record the support"),
    })


@login_required
def close_case(request, pk):
    """Close a case: the difficulty is over, or someone else took it over."""
    case = _case(request, pk, "change")
    form = CloseCaseForm(request.POST or None)
    done = submit(request, form, lambda data: services.hardship_case_close(actor=request.user, case=case, **data),
                  message=_("The case is closed."), next_url=case_url(case))
    return done or render(request, "care/form.html", {
        **_base(request, case.member.organization), "form": form, "back": case_url(case),
        "title": _("Close the hardship case of %(name)s") % {"name": case.member.name}, "submit": _("Close the case"),
    })


@login_required
@require_GET
def register_xlsx(request):
    """The hardship register as a spreadsheet (audited: it holds sensitive data)."""
    org = _chosen_org(request, "export")
    status = request.GET.get("status", "")
    cases = selectors.with_figures(selectors.cases_in(request.user, org)).defer(*MEMBER_DEFER)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    cases = list(cases.order_by("member__organization__path", "member__name_pinyin", "-opened_on"))
    audit_log(actor=request.user, action="hardship.exported", obj=org, organization=org,
              changes={"count": len(cases), "filters": status or "all"})
    response = HttpResponse(exporting.register_xlsx(cases), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{org.name}困难党员台账.xlsx")
    return response


@login_required
@require_GET
def visits(request):
    """Care visits (慰问) of a year in an organization's subtree, by occasion."""
    org = _chosen_org(request)
    year = _year(request, timezone.localdate().year)
    occasion = request.GET.get("occasion", "")
    items = (CareVisit.objects.restrict(request.user, "view")
             .filter(member__organization__path__startswith=org.path, year=year)
             .select_related("member", "member__organization").defer(*MEMBER_DEFER))
    if occasion in Occasion.values:
        items = items.filter(occasion=occasion)
    page = Paginator(items.order_by("-visited_on", "-id"), 50).get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    return render(request, "care/visits.html", {
        **_base(request, org, "care_visits"), "page_obj": page, "year": year, "occasion": occasion,
        "occasions": Occasion.choices, "counts": selectors.visit_counts(request.user, org, year),
        "years": range(this_year + 1, this_year - 5, -1),
        "can_add": in_care_scope(care_scope(request.user, "add"), org),
    })


def _festival_choice(request, rules, today):
    """The festival and year asked for, or the next festival."""
    occasion, year, _day = selectors.next_festival(rules, today)
    form = CareListForm(request.GET if request.GET.get("occasion") else None,
                        initial={"occasion": occasion, "year": year})
    if form.is_bound and form.is_valid():
        occasion, year = form.cleaned_data["occasion"], form.cleaned_data["year"]
    return form, occasion, year


@login_required
@require_GET
def care_list(request):
    """The festival care list (节日慰问名单): whom to visit and whether they have been visited."""
    org = _chosen_org(request)
    today = timezone.localdate()
    rules = selectors.care_rules(org, today)
    form, occasion, year = _festival_choice(request, rules, today)
    rows = selectors.care_list(org, year=year, occasion=occasion, rules=rules)
    visited = sum(1 for r in rows if r.visited)
    day = selectors.festival_date(rules, occasion, year)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "care/care_list.html", {
        **_base(request, org, "care_list"), "form": form, "page_obj": page, "occasion": occasion,
        "occasion_label": Occasion(occasion).label, "year": year, "day": day, "rules": rules,
        "days_left": (day - today).days if day else None,
        "total": len(rows), "visited": visited, "waiting": len(rows) - visited,
        "can_add": in_care_scope(care_scope(request.user, "add"), org),
    })


@login_required
def visit_batch(request):
    """Record the visits of one outing: tick the members visited; one record is kept for each."""
    org = _chosen_org(request, "add")
    today = timezone.localdate()
    rules = selectors.care_rules(org, today)
    choice, festival, year = _festival_choice(request, rules, today)
    occasion = request.GET.get("occasion") if request.GET.get("occasion") in Occasion.values else festival
    rows = selectors.care_list(org, year=year, occasion=festival, rules=rules) if occasion in FESTIVALS else []
    listed = {r.member.pk for r in rows}
    members = (Member.objects.on_roll().without_protected().select_related("organization")
               .filter(organization__path__startswith=org.path).order_by("organization__path", "name_pinyin", "pk"))
    others = []
    if members.count() > PICK_LIMIT:
        members = members.filter(pk__in=listed)
    else:
        others = [m for m in members if m.pk not in listed]
    form = CareVisitBatchForm(request.POST or None, members=members, initial={
        "occasion": occasion, "members": [r.member.pk for r in rows if not r.visited]})
    after = (f"{reverse('care:care_list')}?org={org.pk}&occasion={occasion}&year={year}" if occasion in FESTIVALS
             else f"{reverse('care:visits')}?org={org.pk}")
    done = submit(request, form, lambda data: services.care_visits_record(actor=request.user, **data),
                  message=lambda made: ngettext("%(n)d visit is recorded.", "%(n)d visits are recorded.", len(made))
                  % {"n": len(made)}, next_url=after)
    if done:
        return done
    checked = {str(v) for v in (form["members"].value() or [])}
    return render(request, "care/visit_batch.html", {
        **_base(request, org, "care_list"), "form": form, "rows": rows, "others": others, "checked": checked,
        "choice": choice, "occasion": occasion, "year": year, "is_festival": occasion in FESTIVALS,
    })
