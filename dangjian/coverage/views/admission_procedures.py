"""Pages of admission procedures (准入程序): the versions in sight, one version's steps and links,
copying into a draft, editing a draft's links, publishing it."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.access import get_for
from dangjian.core.forms import act

from .. import selectors_admission as selectors
from .. import services_admission as services
from ..choices import ProcedureStatus
from ..forms_admission import LinkFormSet, ProcedureCopyForm
from ..models import AdmissionProcedure
from .admission import NAV, authorities_for
from .common import base_context, can_do


def procedure_url(procedure) -> str:
    return reverse("coverage:procedure", args=[procedure.pk])


def _procedure(request, pk, action="view"):
    return get_for(request.user, selectors.procedure_with_links(AdmissionProcedure.objects.all()), action, pk=pk)


@login_required
@require_GET
def procedure_list(request):
    """The shipped procedure and the versions of the organizations in the user's scope."""
    return render(request, "coverage/admission/procedures.html", {
        "nav": NAV, "procedures": selectors.procedure_versions(request.user)})


def _steps(procedure):
    steps: list[dict] = []
    for link in procedure.links.all():
        if not steps or steps[-1]["step"] != link.step:
            steps.append({"step": link.step, "step_name": link.step_name, "links": []})
        steps[-1]["links"].append(link)
    return steps


@login_required
@require_GET
def procedure_detail(request, pk):
    procedure = _procedure(request, pk)
    owners = authorities_for(request.user, "change")
    may_change = can_do(request.user, "change", procedure.organization)
    return render(request, "coverage/admission/procedure.html", {
        **base_context(request, procedure.organization, nav=NAV), "procedure": procedure, "steps": _steps(procedure),
        "copy_form": ProcedureCopyForm(owners=owners) if owners.exists() else None,
        "may_edit": may_change and procedure.status == ProcedureStatus.DRAFT,
        "used": procedure.admissions.count(),
    })


@login_required
@require_POST
def procedure_copy(request, pk):
    """Copy a procedure into a new draft version of the chosen organization, then edit it."""
    procedure = _procedure(request, pk)
    form = ProcedureCopyForm(request.POST, owners=authorities_for(request.user, "change"))
    if not form.is_valid():
        messages.error(request, _("Choose the organization the copy is for."))
        return redirect(procedure_url(procedure))
    try:
        copy = services.procedure_copy(actor=request.user, procedure=procedure,
                                       organization=form.cleaned_data["organization"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(procedure_url(procedure))
    messages.success(request, _("Copied as version %(version)d: change its links, then publish it.")
                     % {"version": copy.version})
    return redirect(reverse("coverage:procedure_edit", args=[copy.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def procedure_edit(request, pk):
    """A draft's links in one formset: change, remove, add at the end (positions follow the order)."""
    procedure = _procedure(request, pk, "change")
    if procedure.status != ProcedureStatus.DRAFT:
        messages.error(request, _("A published procedure is never changed; copy it as a new version."))
        return redirect(procedure_url(procedure))
    initial = [{"step": link.step, "step_name": link.step_name, "name": link.name, "kind": link.kind,
                "days": link.days, "guidance": link.guidance} for link in procedure.links.all()]
    formset = LinkFormSet(request.POST or None, initial=initial, prefix="links")
    if request.method == "POST" and formset.is_valid():
        try:
            services.procedure_links_save(actor=request.user, procedure=procedure, links=formset.links())
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("Links saved."))
            return redirect(procedure_url(procedure))
    return render(request, "coverage/admission/procedure_edit.html", {
        **base_context(request, procedure.organization, nav=NAV), "procedure": procedure, "formset": formset})


@login_required
@require_POST
def procedure_publish(request, pk):
    procedure = _procedure(request, pk, "change")
    return act(request, lambda: services.procedure_publish(actor=request.user, procedure=procedure),
               message=_("Procedure published: new requests use it; requests under way keep theirs."),
               next_url=procedure_url(procedure))
