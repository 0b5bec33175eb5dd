"""Pages that change the firm register: register and edit a firm, record a survey, link the people
working there, form the firm's own branch. Each runs one service through ``core.forms.submit``."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dangjian.core.access import get_for
from dangjian.core.forms import submit
from dangjian.members.models import Member
from dangjian.organizations.models import Organization
from dangjian.recruitment.choices import ApplicantStatus
from dangjian.recruitment.models import Applicant

from .. import services_firms, services_staff, services_surveys
from ..forms_firms import BranchForm, FirmEditForm, FirmForm, SurveyForm
from ..models import Building, Firm
from .common import area_organizations, base_context
from .firms import NAV


def _firm(request, pk, action="change") -> Firm:
    return get_for(request.user, Firm.objects.select_related("unit", "area_organization", "building"), action, pk=pk)


def _page(request, firm, form, title, **extra):
    back = reverse("coverage:firm", args=[firm.pk]) if firm else reverse("coverage:firms")
    return render(request, "coverage/firms/form.html", {
        **base_context(request, firm.area_organization if firm else None, nav=NAV), "form": form, "title": title,
        "firm": firm, "back": back, **extra})


def _register_form(request, form_class, **kwargs):
    areas = area_organizations(request.user)
    if not areas.exists():
        raise PermissionDenied
    return form_class(request.POST or None, areas=areas,
                      sectors=Organization.objects.restrict(request.user, "view").order_by("path"),
                      buildings=Building.objects.restrict(request.user, "view").order_by("name"), **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def firm_new(request):
    """Register a firm or social organization (登记两新组织)."""
    initial = {"area_organization": request.GET.get("org")} if request.GET.get("org") else {}
    form = _register_form(request, FirmForm, initial=initial)
    done = submit(request, form, lambda data: services_firms.firm_create(actor=request.user, **data),
                  message=lambda firm: _("%(name)s is registered.") % {"name": firm.name},
                  next_url=lambda firm: reverse("coverage:firm", args=[firm.pk]))
    return done or _page(request, None, form, _("Register a firm or social organization"))


@login_required
@require_http_methods(["GET", "POST"])
def firm_edit(request, pk):
    firm = _firm(request, pk)
    initial = {key: getattr(firm, key) for key in (*services_firms.FIRM_FIELDS, "status", "closed_on")}
    initial.update(name=firm.unit.name, kind=firm.unit.kind, credit_code=firm.unit.credit_code,
                   address=firm.unit.address)
    form = _register_form(request, FirmEditForm, initial=initial)
    # The firm may sit under an organization the user may change but not add to.
    form.fields["area_organization"].queryset = (form.fields["area_organization"].queryset
                                                     | Organization.objects.filter(pk=firm.area_organization_id))

    def save(data):
        changes = {k: v for k, v in data.items() if k in initial and v != initial[k]}
        return services_firms.firm_update(actor=request.user, firm=firm, **changes)

    done = submit(request, form, save, message=_("The register entry is saved."),
                  next_url=reverse("coverage:firm", args=[firm.pk]))
    return done or _page(request, firm, form, _("Edit %(name)s") % {"name": firm.name})


@login_required
@require_http_methods(["GET", "POST"])
def firm_survey_add(request, pk):
    """Record a door-to-door survey visit (走访摸底)."""
    firm = _firm(request, pk)
    form = SurveyForm(request.POST or None, initial={"employees": firm.employees, "status_found": firm.status})
    done = submit(request, form,
                  lambda data: services_surveys.firm_survey_record(actor=request.user, firm=firm, **data),
                  message=_("The survey is recorded."), next_url=reverse("coverage:firm", args=[firm.pk]))
    return done or _page(request, firm, form, _("Record a survey of %(name)s") % {"name": firm.name})


def _person(request):
    """The member or applicant named in the POST, if the user may change their record."""
    if request.POST.get("member"):
        return {"member": get_for(request.user, Member.objects.without_protected(), "change",
                                  pk=request.POST["member"])}
    if request.POST.get("applicant"):
        return {"applicant": get_for(request.user, Applicant.objects.without_protected(), "change",
                                     pk=request.POST["applicant"])}
    return None


@login_required
@require_http_methods(["GET", "POST"])
def firm_staff(request, pk):
    """Link the people working in the firm: members on the roll and recruitment files in progress."""
    firm = _firm(request, pk)
    if request.method == "POST":
        person = _person(request)
        unlink = request.POST.get("action") == "unlink"
        if person is None:
            messages.error(request, _("Choose a member or an applicant."))
        else:
            service = services_staff.firm_staff_unlink if unlink else services_staff.firm_staff_link
            try:
                linked = service(actor=request.user, firm=firm, **person)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, (_("%(name)s is no longer linked to the firm.") if unlink else
                                           _("%(name)s is linked to the firm.")) % {"name": linked.name})
        back = reverse("coverage:firm_staff", args=[firm.pk])
        q = request.POST.get("q", "").strip()[:30]
        return redirect(f"{back}?{urlencode({'q': q})}" if q else back)
    q = request.GET.get("q", "").strip()[:30]
    found_members, found_applicants = [], []
    if q:
        match = Q(name__contains=q) | Q(name_pinyin__startswith=q.lower()) | Q(name_initials__startswith=q.lower())
        found_members = (Member.objects.restrict(request.user, "change").on_roll().without_protected().filter(match)
                         .exclude(employer=firm.unit_id).select_related("organization", "employer")
                         .order_by("name_pinyin")[:30])
        found_applicants = (Applicant.objects.restrict(request.user, "change").without_protected()
                            .filter(match, status=ApplicantStatus.IN_PROGRESS).exclude(employer=firm.unit_id)
                            .select_related("organization", "employer").order_by("name_pinyin")[:30])
    return render(request, "coverage/firms/staff.html", {
        **base_context(request, firm.area_organization, nav=NAV), "firm": firm, "q": q,
        "found_members": found_members, "found_applicants": found_applicants,
        "members": Member.objects.on_roll().without_protected().filter(employer=firm.unit_id)
        .select_related("organization").order_by("name_pinyin"),
        "applicants": Applicant.objects.without_protected().filter(employer=firm.unit_id,
                                                                   status=ApplicantStatus.IN_PROGRESS)
        .select_related("organization").order_by("name_pinyin"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def firm_branch_form(request, pk):
    """Set up the firm's own Party organization (单独组建); it then covers the firm as ``own``."""
    firm = _firm(request, pk)
    parents = area_organizations(request.user)
    if not parents.exists():
        raise PermissionDenied
    default_parent = parents.filter(pk=firm.area_organization_id).first()
    form = BranchForm(request.POST or None, parents=parents, initial={
        "parent": default_parent.pk if default_parent else None, "name": f"{firm.name}党支部"})
    done = submit(request, form, lambda data: services_firms.firm_branch_form(actor=request.user, firm=firm, **data),
                  message=lambda org: _("%(name)s is set up.") % {"name": org.name},
                  next_url=reverse("coverage:firm", args=[firm.pk]))
    return done or _page(request, firm, form, _("Form the own branch of %(name)s") % {"name": firm.name})
