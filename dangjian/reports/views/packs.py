"""Inspection packs (迎检台账包): ask for the pack of an organization and a period, watch it being
prepared, download it. Packs are the requester's own: others get 404."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.core.forms import add_service_errors
from dangjian.core.models import Export
from dangjian.organizations.choosing import require_subtree_view
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import organizations_for

from ..packs import default_period, pack_filename, pack_request

ZIP_CONTENT_TYPE = "application/zip"
WAITING = (Export.Status.PENDING, Export.Status.RUNNING)


class PackForm(forms.Form):
    organization = forms.ModelChoiceField(label=gettext_lazy("Organization"), queryset=Organization.objects.none(),
                                          help_text=gettext_lazy("The pack holds the records of its whole subtree."))
    date_from = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_for(user, "export")
        self.fields["organization"].label_from_instance = lambda org: f"{'　' * (org.depth - 1)}{org.name}"


def _packs(user):
    return Export.objects.filter(requested_by=user, kind=Export.Kind.INSPECTION_PACK)[:50]


def _with_names(packs, user) -> list[Export]:
    """Each pack with ``organization_name``, ``date_from`` and ``date_to`` read from its parameters, and
    ``refused`` for a failed pack whose organization the user may no longer export."""
    packs = list(packs)
    names = dict(Organization.objects.filter(pk__in={p.params.get("org") for p in packs}).values_list("pk", "name"))
    failed = {p.params.get("org") for p in packs if p.status == Export.Status.FAILED}
    allowed = set(organizations_for(user, "export").filter(pk__in=failed).values_list("pk", flat=True)) \
        if failed else set()
    for pack in packs:
        pack.refused = pack.status == Export.Status.FAILED and pack.params.get("org") not in allowed
        pack.organization_name = names.get(pack.params.get("org"), "")
        pack.date_from = pack.params.get("from", "")
        pack.date_to = pack.params.get("to", "")
        pack.waiting = pack.status in WAITING
    return packs


@login_required
@require_http_methods(["GET", "POST"])
def pack_list(request):
    """The form asking for a pack, and the user's packs with their state."""
    require_subtree_view(request.user)
    start, end = default_period(timezone.localdate())
    form = PackForm(request.POST or None, user=request.user, initial={"date_from": start, "date_to": end})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pack_request(actor=request.user, organization=data["organization"], start=data["date_from"],
                         end=data["date_to"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("organization", _("You may not export the records of this organization."))
        else:
            messages.success(request, _("The inspection pack is being prepared. It will be ready to download here."))
            return redirect("reports:packs")
    return render(request, "reports/packs.html", {
        "nav": "reports", "form": form, "packs": _with_names(_packs(request.user), request.user),
        "can_export": form.fields["organization"].queryset.exists(),
    })


@login_required
@require_GET
def pack_status(request, pk):
    """One row of the list, polled while the pack is waiting or being prepared."""
    pack = get_object_or_404(Export, pk=pk, requested_by=request.user, kind=Export.Kind.INSPECTION_PACK)
    return render(request, "reports/pack_row.html", {"pack": _with_names([pack], request.user)[0]})


@login_required
@require_GET
def pack_download(request, pk):
    """The zip of a ready pack, to the user who asked for it only, while they may still see its
    organization."""
    pack = get_object_or_404(Export, pk=pk, requested_by=request.user, kind=Export.Kind.INSPECTION_PACK,
                             status=Export.Status.DONE)
    organization = Organization.objects.filter(pk=pack.params.get("org")).first()
    if organization is None or not can(request.user, "view", organization):
        raise Http404
    if not pack.file or not pack.file.storage.exists(pack.file.name):
        raise Http404
    audit_log(actor=request.user, action="inspection_pack.downloaded", obj=pack, organization=organization)
    return FileResponse(pack.file.open("rb"), as_attachment=True, filename=pack_filename(pack),
                        content_type=ZIP_CONTENT_TYPE)
