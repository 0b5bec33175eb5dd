"""Pages of transfers (组织关系转接): the lists both sides see, the letter, and one form per event."""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for, has_any_scope
from dangjian.core.audit import audit_log
from dangjian.core.forms import submit
from dangjian.core.rules import rule
from dangjian.members.models import PROTECTED_FIELDS, Member
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from . import documents, selectors, services
from .choices import Side, TransferKind, TransferStatus
from .forms import ReasonForm, ReceiveForm, ReceiveFromOutsideForm, ReissueForm, ReturnSlipForm, TransferSendForm
from .models import Transfer

# Encrypted member columns, never read for pages (the masked copies are shown).
PROTECTED = [f"member__{f}" for f in PROTECTED_FIELDS]


def transfer_url(transfer):
    return reverse("transfers:detail", args=[transfer.pk])


def _transfer(request, pk):
    return get_for(request.user, Transfer.objects.select_related("member", "from_organization", "to_organization")
                   .defer(*PROTECTED), "view", pk=pk)


def _acting(request, pk, side: str) -> Transfer:
    """The transfer of the URL for a user acting on ``side``: 404 out of sight, 403 for the other side."""
    transfer = _transfer(request, pk)
    if not services.may_act(request.user, transfer, side):
        raise PermissionDenied
    return transfer


def _root(request):
    """The subtree named by ``?org=`` (404 out of sight), or None for all the user sees."""
    if request.GET.get("org"):
        return get_for(request.user, Organization.objects, "view", pk=request.GET["org"])
    return None


def _form_page(request, form, *, title, submit_label, back, transfer=None, intro="", danger=False):
    return render(request, "transfers/form.html", {
        "nav": "transfers", "form": form, "title": title, "submit": submit_label, "back": back, "transfer": transfer,
        "intro": intro, "danger": danger,
    })


@login_required
@require_GET
def transfer_list(request):
    """Transfers in three tabs: letters sent and not yet received, letters to receive, history."""
    root = _root(request)
    tab = request.GET.get("tab", "outgoing")
    tab = tab if tab in selectors.TABS else "outgoing"
    kind, status, q = request.GET.get("kind", ""), request.GET.get("status", ""), request.GET.get("q", "").strip()
    items = selectors.transfer_list(request.user, tab=tab, root=root, kind=kind, status=status, q=q)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    warning = rule("transfers.expiry_warning_days", organization=root, on=today)
    return render(request, "transfers/list.html", {
        "nav": "transfers", "tab": tab, "org": root, "page_obj": page, "counts": selectors.tab_counts(request.user, root),
        "kinds": TransferKind.choices, "statuses": [c for c in TransferStatus.choices if c[0] != TransferStatus.PENDING],
        "kind": kind, "status": status, "q": q, "today": today,
        "soon": today + datetime.timedelta(days=int(warning.value)),
        "can_receive_outside": has_any_scope(request.user, "add"),
        "ancestors": (visible_ancestors(root, request.user) + [root]) if root else [],
    })


@login_required
def send(request, pk):
    """Issue a transfer letter for a member (from the member's page)."""
    member = get_for(request.user, Member.objects.without_protected().select_related("organization"), "change", pk=pk)
    search = request.GET.get("q", "").strip()
    form = TransferSendForm(request.POST or None, member=member, search=search)
    done = submit(request, form, lambda data: services.transfer_send(actor=request.user, member=member, **data),
                  message=lambda t: _("Letter %(number)s is issued; it is valid until %(date)s.")
                  % {"number": t.letter_number, "date": t.valid_until}, next_url=transfer_url)
    return done or render(request, "transfers/send.html", {
        "nav": "transfers", "form": form, "member": member, "search": search,
        "pending": Transfer.objects.filter(member=member, status=TransferStatus.PENDING).first(),
        "ancestors": visible_ancestors(member.organization, request.user) + [member.organization],
    })


@login_required
@require_GET
def detail(request, pk):
    """One transfer: the letter's facts, the member (masked for the receiving side), the log, actions."""
    transfer = _transfer(request, pk)
    user, today = request.user, timezone.localdate()
    sending, receiving = (services.may_act(user, transfer, Side.SENDING),
                          services.may_act(user, transfer, Side.RECEIVING))
    pending, expired = transfer.is_pending, transfer.expired(today)
    member = transfer.member
    return render(request, "transfers/detail.html", {
        "nav": "transfers", "transfer": transfer, "member": member, "steps": transfer.steps.select_related("actor"),
        "expired": expired, "sending": sending, "receiving": receiving,
        "can_see_member": can(user, "view", member),
        "can_receive": pending and receiving and transfer.kind == TransferKind.WITHIN and not expired,
        "can_reject": pending and receiving and transfer.kind == TransferKind.WITHIN,
        "can_cancel": pending and sending,
        "can_return_slip": pending and sending and transfer.kind == TransferKind.OUTGOING,
        "can_reissue": pending and sending and expired,
        "can_full_letter": transfer.kind != TransferKind.INCOMING and can(user, "reveal", member),
        "ancestors": _anchor_path(transfer, user),
    })


def _anchor_path(transfer, user) -> list:
    """Breadcrumbs down to the side of the transfer the user sees."""
    for org in (transfer.from_organization, transfer.to_organization):
        if org is not None and can(user, "view", org):
            return visible_ancestors(org, user) + [org]
    return []


@login_required
def receive(request, pk):
    transfer = _acting(request, pk, Side.RECEIVING)
    form = ReceiveForm(request.POST or None)
    done = submit(request, form, lambda data: services.transfer_receive(actor=request.user, transfer=transfer, **data),
                  message=_("%(name)s now belongs to %(org)s.") % {"name": transfer.member.name,
                                                                   "org": transfer.to_label},
                  next_url=transfer_url(transfer))
    return done or _form_page(request, form, title=_("Receive %(name)s") % {"name": transfer.member.name},
                              submit_label=_("Receive the member"), back=transfer_url(transfer), transfer=transfer)


@login_required
def reject(request, pk):
    transfer = _acting(request, pk, Side.RECEIVING)
    form = ReasonForm(request.POST or None)
    done = submit(request, form, lambda data: services.transfer_reject(actor=request.user, transfer=transfer, **data),
                  message=_("The transfer is rejected; the member stays with the sending organization."),
                  next_url=transfer_url(transfer))
    return done or _form_page(request, form, title=_("Reject the transfer of %(name)s") % {"name": transfer.member.name},
                              submit_label=_("Reject"), back=transfer_url(transfer), transfer=transfer, danger=True)


@login_required
def cancel(request, pk):
    transfer = _acting(request, pk, Side.SENDING)
    form = ReasonForm(request.POST or None)
    done = submit(request, form, lambda data: services.transfer_cancel(actor=request.user, transfer=transfer, **data),
                  message=_("The transfer is cancelled."), next_url=transfer_url(transfer))
    return done or _form_page(request, form, title=_("Cancel letter %(number)s") % {"number": transfer.letter_number},
                              submit_label=_("Cancel the transfer"), back=transfer_url(transfer), transfer=transfer,
                              danger=True)


@login_required
def return_slip(request, pk):
    transfer = _acting(request, pk, Side.SENDING)
    form = ReturnSlipForm(request.POST or None)
    done = submit(request, form, lambda data: services.transfer_return_slip(actor=request.user, transfer=transfer,
                                                                            **data),
                  message=_("The return slip is recorded; %(name)s is transferred out.") % {"name": transfer.member.name},
                  next_url=transfer_url(transfer))
    return done or _form_page(request, form, title=_("Record the return slip of letter %(number)s")
                              % {"number": transfer.letter_number}, submit_label=_("Record the return slip"),
                              back=transfer_url(transfer), transfer=transfer)


@login_required
def reissue(request, pk):
    transfer = _acting(request, pk, Side.SENDING)
    form = ReissueForm(request.POST or None)
    done = submit(request, form, lambda data: services.transfer_reissue(actor=request.user, transfer=transfer, **data),
                  message=lambda t: _("Letter %(number)s is issued; it is valid until %(date)s.")
                  % {"number": t.letter_number, "date": t.valid_until}, next_url=transfer_url(transfer))
    return done or _form_page(request, form, title=_("Re-issue letter %(number)s") % {"number": transfer.letter_number},
                              submit_label=_("Issue a new letter"), back=transfer_url(transfer), transfer=transfer)


@login_required
@require_GET
def letter(request, pk):
    """The three-part letter as Word; ``?full=1`` prints the ID number in full (who may reveal it)."""
    transfer = _transfer(request, pk)
    full = request.GET.get("full") == "1"
    if full and not can(request.user, "reveal", transfer.member):
        raise PermissionDenied
    audit_log(actor=request.user, action="transfer.letter_exported", obj=transfer,
              organization=transfer.from_organization or transfer.to_organization,
              changes={"full": full, "member": transfer.member.name},
              note=_("Print the transfer letter") if full else "")
    response = HttpResponse(documents.letter_docx(transfer, full_id=full), content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, documents.letter_filename(transfer))
    return response


@login_required
def receive_outside(request):
    """Receive a member who arrives with a letter from an organization elsewhere (转入)."""
    if not has_any_scope(request.user, "add"):
        raise PermissionDenied
    initial = {}
    if request.GET.get("org"):
        initial["organization"] = get_for(request.user, Organization.objects, "add", pk=request.GET["org"])
    form = ReceiveFromOutsideForm(request.POST or None, initial=initial, user=request.user)
    done = submit(request, form, lambda data: services.transfer_receive_from_outside(
        actor=request.user, **form.service_arguments()),
        message=lambda t: _("%(name)s is received and added to the register.") % {"name": t.member.name},
        next_url=transfer_url)
    return done or render(request, "transfers/receive_outside.html", {"nav": "transfers", "form": form})
