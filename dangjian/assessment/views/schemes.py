"""Pages of schemes (考核方案): the list, one scheme, copying, editing a draft, publishing, retiring."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import can, get_for
from dangjian.core.forms import act, add_service_errors

from .. import selectors_schemes as selectors
from .. import services_schemes as services
from ..choices import SchemeKind, SchemeStatus
from ..forms_schemes import CopyForm, CriterionForm, GradeForm, SchemeForm, StepForm
from ..models import Scheme


def _scheme(request, pk, action="view"):
    return get_for(request.user, selectors.scheme_with_parts(Scheme.objects.all()), action, pk=pk)


def scheme_url(scheme) -> str:
    return reverse("assessment:scheme", args=[scheme.pk])


def edit_url(scheme) -> str:
    return reverse("assessment:scheme_edit", args=[scheme.pk])


@login_required
@require_GET
def scheme_list(request):
    """Shipped schemes, the user's own and those of the levels above, by kind, versions together."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in SchemeKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in SchemeStatus.values else ""
    return render(request, "assessment/schemes/list.html", {
        "nav": "schemes", "groups": selectors.scheme_families(request.user, kind=kind, status=status),
        "kind": kind, "status": status, "kinds": SchemeKind.choices, "statuses": SchemeStatus.choices,
    })


@login_required
@require_GET
def scheme_detail(request, pk):
    scheme = _scheme(request, pk)
    owners = services.owners_for(request.user)
    may_change = can(request.user, "change", scheme)
    return render(request, "assessment/schemes/detail.html", {
        "nav": "schemes", "scheme": scheme, **selectors.scheme_detail(scheme, request.user),
        "versions": selectors.versions_of(scheme, request.user),
        "copy_form": CopyForm(owners=owners, initial={"owner": scheme.owner_id}) if owners.exists() else None,
        "can_edit": may_change and scheme.status == SchemeStatus.DRAFT,
        "can_retire": may_change and scheme.status == SchemeStatus.PUBLISHED,
    })


@login_required
@require_POST
def scheme_copy(request, pk):
    """Copy a scheme into a new draft of the chosen organization, then edit it."""
    scheme = _scheme(request, pk)
    form = CopyForm(request.POST, owners=services.owners_for(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose the organization that defines the copy."))
        return redirect(scheme_url(scheme))
    try:
        copy = services.scheme_copy(actor=request.user, scheme=scheme, owner=form.cleaned_data["owner"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(scheme_url(scheme))
    messages.success(request, _("Copied as version %(version)d of %(code)s: edit the draft, then publish it.")
                     % {"version": copy.version, "code": copy.code})
    return redirect(edit_url(copy))


# The parts of a draft edited on its page: POST ``part`` → (form, save service, delete service, related name).
PARTS = {
    "criterion": (CriterionForm, services.criterion_save, services.criterion_delete, "criteria"),
    "grade": (GradeForm, services.grade_save, services.grade_delete, "grades"),
    "step": (StepForm, services.step_save, services.step_delete, "steps"),
}


def _part_initial(part: str, obj) -> dict:
    if part == "criterion":
        return {"code": obj.code, "name": obj.name, "description": obj.description, "is_veto": obj.is_veto,
                "points": obj.points, "evidence": obj.evidence, "indicator": obj.indicator,
                "threshold": obj.threshold, "order": obj.order}
    if part == "grade":
        return {"code": obj.code, "name": obj.name, "min_points": obj.min_points, "rank": obj.rank}
    return {"code": obj.code, "name": obj.name, "performer": obj.performer, "notice_days": obj.notice_days,
            "order": obj.order + 1}


def _part_object(scheme, part: str, pk):
    """The criterion, grade or step ``pk`` of this scheme (404 for another scheme's)."""
    from django.http import Http404

    related = PARTS[part][3]
    obj = next((o for o in getattr(scheme, related).all() if str(o.pk) == str(pk)), None)
    if obj is None:
        raise Http404
    return obj


def _service_fields(form) -> dict:
    return form.service_fields() if hasattr(form, "service_fields") else dict(form.cleaned_data)


@login_required
def scheme_edit(request, pk):
    """A draft's page of edits: its header, and its criteria, grades and steps, each added, changed
    or removed in place. A published or retired scheme is only copied."""
    scheme = _scheme(request, pk, "change")
    if scheme.status != SchemeStatus.DRAFT:
        messages.error(request, _("A published scheme cannot be changed; copy it as a new version."))
        return redirect(scheme_url(scheme))
    header = SchemeForm(initial={"name": scheme.name, "description": scheme.description,
                                 "unit_kinds": scheme.unit_kinds, "veto_grade": scheme.veto_grade},
                        grades=scheme.grades.all())
    forms_by_part = {part: spec[0](prefix=part) for part, spec in PARTS.items()}
    editing = {}
    for part in PARTS:  # ?criterion=<pk> opens that criterion's form filled in
        if request.GET.get(part):
            obj = _part_object(scheme, part, request.GET[part])
            editing[part] = obj
            forms_by_part[part] = PARTS[part][0](prefix=part, initial=_part_initial(part, obj))
    if request.method == "POST":
        part = request.POST.get("part", "")
        try:
            if part == "header":
                header = SchemeForm(request.POST, grades=scheme.grades.all())
                if header.is_valid():
                    services.scheme_update(actor=request.user, scheme=scheme, **header.cleaned_data)
                    messages.success(request, _("Scheme saved."))
                    return redirect(edit_url(scheme))
            elif part in PARTS:
                form_class, save, delete, _related = PARTS[part]
                obj = _part_object(scheme, part, request.POST["pk"]) if request.POST.get("pk") else None
                if request.POST.get("delete"):
                    if obj is None:
                        raise PermissionDenied
                    delete(actor=request.user, scheme=scheme, **{part: obj})
                    messages.success(request, _("Removed."))
                    return redirect(edit_url(scheme))
                form = form_class(request.POST, prefix=part)
                forms_by_part[part] = form
                if obj is not None:
                    editing[part] = obj
                if form.is_valid():
                    try:
                        save(actor=request.user, scheme=scheme, **{part: obj}, **_service_fields(form))
                    except ValidationError as exc:
                        add_service_errors(form, exc)
                    else:
                        messages.success(request, _("Saved."))
                        return redirect(edit_url(scheme) + f"#{part}s")
        except ValidationError as exc:
            if part == "header":
                add_service_errors(header, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
        scheme = _scheme(request, pk, "change")
    return render(request, "assessment/schemes/edit.html", {
        "nav": "schemes", "scheme": scheme, **selectors.scheme_detail(scheme, request.user),
        "header": header, "forms": forms_by_part, "editing": editing,
        "problems": [p.messages[0] for p in services.publish_problems(scheme)],
    })


@login_required
@require_POST
def scheme_publish(request, pk):
    scheme = _scheme(request, pk, "change")
    try:
        services.scheme_publish(actor=request.user, scheme=scheme)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(edit_url(scheme) if scheme.status == SchemeStatus.DRAFT else scheme_url(scheme))
    messages.success(request, _("Scheme published: cycles may now use it."))
    return redirect(scheme_url(scheme))


@login_required
@require_POST
def scheme_retire(request, pk):
    scheme = _scheme(request, pk, "change")
    return act(request, lambda: services.scheme_retire(actor=request.user, scheme=scheme),
               message=_("Scheme retired: new cycles will not use it."), next_url=scheme_url(scheme))
