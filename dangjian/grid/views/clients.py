"""Open311 client applications (admin pages): the list, registering a client (its API key is shown
once, on the page that answers the registration) and revoking a key."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.core.access import user_scope
from dangjian.core.forms import add_service_errors
from dangjian.organizations.models import Organization

from ..open311.keys import managed_clients, may_manage, open311_client_create, open311_client_revoke


def intake_organizations(user):
    """Organizations that can take requests in (those with grids or service teams) in ``user``'s reach."""
    scope = user_scope(user, "delete")
    orgs = Organization.objects.filter(Q(grids__isnull=False) | Q(service_teams__isnull=False)).distinct()
    if not scope.everything:
        q = Q(pk__in=[])
        for path in scope.paths:
            q |= Q(path__startswith=path)
        orgs = orgs.filter(q)
    return orgs.order_by("path")


class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Application"), max_length=100)
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Takes requests in at"), queryset=Organization.objects.none(),
        help_text=gettext_lazy("Requests it files are placed on a grid of this organization when their place "
                               "names a building; otherwise this organization takes them in."))
    contact = forms.CharField(label=gettext_lazy("Contact"), max_length=200, required=False,
                              help_text=gettext_lazy("Who runs the application, and how to reach them."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = intake_organizations(user)
        self.fields["organization"].label_from_instance = lambda o: o.display_name


def _require_manager(user):
    if not may_manage(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def clients(request):
    """The registered Open311 client applications the user manages."""
    _require_manager(request.user)
    rows = managed_clients(request.user).annotate(request_count=Count("requests")).order_by("-active", "name")
    return render(request, "grid/clients/list.html", {"nav": "clients", "clients": rows})


@login_required
@require_http_methods(["GET", "POST"])
def client_new(request):
    """Register a client application; the answer shows its key, once."""
    _require_manager(request.user)
    form = ClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            client, key = open311_client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            response = render(request, "grid/clients/created.html", {"nav": "clients", "client": client, "key": key})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "grid/clients/form.html", {"nav": "clients", "form": form})


@login_required
@require_POST
def client_revoke(request, pk):
    _require_manager(request.user)
    client = get_object_or_404(managed_clients(request.user), pk=pk)
    try:
        open311_client_revoke(actor=request.user, client=client, note=request.POST.get("note", "")[:500])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The key of %(name)s is revoked; its calls are refused from now on.")
                         % {"name": client.name})
    return redirect("grid:clients")
