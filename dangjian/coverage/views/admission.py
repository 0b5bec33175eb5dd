"""Pages of affair admission requests (社区事务准入申请): the list, a request's form, its page with
progress and moves, the move and re-review buttons, and the public list of admitted tasks."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.access import get_for
from dangjian.core.forms import act, submit
from dangjian.core.ratelimit import rate_limited
from dangjian.organizations.choices import UnitKind
from dangjian.organizations.models import Organization

from .. import selectors_admission as selectors
from .. import services_admission as services
from ..choices import AdmissionStatus
from ..forms_admission import ActForm, AdmissionForm
from ..models import AffairAdmission
from .common import area_organizations, base_context, can_do

NAV = "affairs"


def authorities_for(user, action: str = "add"):
    """The organizations ``user`` may run admission for: the area organizations of their scope less
    the communities themselves (admission protects communities from tasks pushed onto them)."""
    return area_organizations(user, action).exclude(unit_kind=UnitKind.COMMUNITY)


def affair_url(admission) -> str:
    return reverse("coverage:affair", args=[admission.pk])


def _status_choices():
    return [*AdmissionStatus.choices, (selectors.EXPIRED, _("Expired")), (selectors.DUE, _("Due for re-review"))]


@login_required
@require_GET
def affair_list(request):
    """Requests in the user's scope (their authority's, and those concerning their community)."""
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in dict(_status_choices()) else ""
    q = request.GET.get("q", "").strip()[:50]
    rows = selectors.admission_list(request.user, status=status, today=today, q=q)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for row in page:
        row.link_label = selectors.link_label(row.current_link)
        row.is_expired = row.expired(today)
    authorities = list(authorities_for(request.user, "view")[:20])
    return render(request, "coverage/admission/list.html", {
        "nav": NAV, "page_obj": page, "status": status, "statuses": _status_choices(), "q": q,
        "can_add": authorities_for(request.user).exists(), "authorities": authorities,
    })


def _form_page(request, form, admission=None):
    title = _("Change the request") if admission else _("Record a request")
    return render(request, "coverage/admission/form.html", {
        **base_context(request, admission.organization if admission else None, nav=NAV),
        "form": form, "admission": admission, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def affair_new(request):
    """Record a department's request (as a draft) for an authority the user may add for."""
    authorities = authorities_for(request.user)
    if not authorities.exists():
        raise PermissionDenied
    form = AdmissionForm(request.POST or None, authorities=authorities,
                         initial={"organization": request.GET.get("org") or authorities.first().pk,
                                  "starts_on": timezone.localdate()})
    done = submit(request, form, lambda d: services.admission_create(
        actor=request.user, organization=d["organization"], **form.service_fields()),
        message=_("Request recorded as a draft: check it, then submit it for review."), next_url=affair_url)
    return done or _form_page(request, form)


def _admission(request, pk, action="view"):
    return get_for(request.user, AffairAdmission.objects.select_related(
        "organization", "procedure", "current_link", "renewal_of", "created_by"), action, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def affair_edit(request, pk):
    """Change a draft or returned request's content."""
    admission = _admission(request, pk, "change")
    if admission.status not in services.EDITABLE:
        messages.error(request, _("Only a draft or a returned request can be changed."))
        return redirect(affair_url(admission))
    initial = {k: getattr(admission, k) for k in services.FIELDS}
    initial["communities"] = list(admission.communities.all())
    form = AdmissionForm(request.POST or None, authorities=Organization.objects.filter(pk=admission.organization_id),
                         fixed_authority=admission.organization, initial=initial)
    done = submit(request, form, lambda d: services.admission_update(
        actor=request.user, admission=admission, **form.service_fields()),
        message=_("Request saved."), next_url=affair_url)
    return done or _form_page(request, form, admission)


@login_required
@require_GET
def affair_detail(request, pk):
    admission = _admission(request, pk)
    today = timezone.localdate()
    reviews = selectors.review_log(admission)
    actions = services.allowed_actions(request.user, admission)
    authority = admission.organization
    renewals = list(admission.renewals.order_by("-created_at"))
    open_renewal = any(r.status not in (AdmissionStatus.WITHDRAWN, AdmissionStatus.REFUSED) for r in renewals)
    may_renew = can_do(request.user, "add", authority) and selectors.is_due(admission, today) and not open_renewal
    return render(request, "coverage/admission/detail.html", {
        **base_context(request, authority, nav=NAV), "admission": admission, "reviews": reviews,
        "steps": selectors.progress(admission, reviews), "link_label": selectors.link_label(admission.current_link),
        "actions": [(a, services.ACTION_LABELS[a], services.TRANSITIONS[a].comment_required) for a in actions],
        "communities": list(admission.communities.order_by("path")), "expired": admission.expired(today),
        "may_edit": admission.status in services.EDITABLE and can_do(request.user, "change", authority),
        # The department's contact is for the reviewing office only.
        "show_contact": can_do(request.user, "change", authority),
        "may_renew": may_renew, "renewals": renewals,
        "act_form": ActForm(),
    })


@login_required
@require_POST
def affair_act(request, pk):
    """One move of the transition table, from the request page's buttons."""
    admission = _admission(request, pk)
    form = ActForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in services.TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect(affair_url(admission))
    action = form.cleaned_data["action"]
    return act(request, lambda: services.admission_transition(
        actor=request.user, admission=admission, action=action, comment=form.cleaned_data["comment"]),
        message=_("Done: %(action)s.") % {"action": services.ACTION_LABELS[action]}, next_url=affair_url(admission))


@login_required
@require_POST
def affair_renew(request, pk):
    """Open the re-review of an admitted task as a new draft."""
    admission = _admission(request, pk, "add")
    return act(request, lambda: services.admission_renew(actor=request.user, admission=admission),
               message=_("Re-review opened as a draft: update the period and content, then submit it."),
               next_url=affair_url, failure_url=affair_url(admission))


@require_GET
@rate_limited("public_page", group="coverage.affairs_public", methods=None)
def affairs_public(request, pk):
    """The public list (公开目录) of tasks an authority admitted and in force today: no login, no
    names of individuals, no phones."""
    organization = Organization.objects.filter(pk=pk).only("id", "name", "short_name").first()
    if organization is None:
        raise Http404
    today = timezone.localdate()
    return render(request, "coverage/admission/public.html", {
        "organization": organization, "rows": selectors.public_admissions(organization, today), "today": today})
