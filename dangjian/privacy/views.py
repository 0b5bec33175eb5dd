"""Pages of residents' personal-information rights: the public notice, the resident's own data
(查阅/复制) with their requests (更正/删除/撤回同意), and the administrators' handling queue."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.forms import add_service_errors
from dangjian.core.ratelimit import rate_limited

from . import selectors, services
from .choices import RequestStatus
from .forms import DataRequestForm, DecisionForm
from .models import PersonalDataRequest
from .notice import current_notice


@require_GET
@rate_limited("public_page", group="privacy.notice", methods=None)
def notice(request):
    """The privacy notice (public): per service what is collected, why, who sees it, how long it
    is kept, and the resident's rights; with its version."""
    return render(request, "privacy/notice.html", {"nav": "privacy", "notice": current_notice()})


def _mine_context(request, form):
    user = request.user
    return {"nav": "privacy", "data": selectors.own_data(user), "form": form,
            "requests": selectors.with_due(selectors.own_requests(user)),
            "open_matters": selectors.open_matters(user)}


@login_required
@require_GET
def mine(request):
    """Everything the platform holds about the signed-in resident, their own contact data in full.
    Viewing is not logged (nothing leaves the platform and no one else sees it); the download is."""
    return render(request, "privacy/mine.html", _mine_context(request, DataRequestForm()))


@login_required
@require_GET
def mine_download(request):
    content = services.own_data_download(actor=request.user)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@login_required
@require_POST
@rate_limited("resident_post", group="privacy.request_new")
def request_new(request):
    """The resident files a request (correction, deletion, withdrawal of consent)."""
    form = DataRequestForm(request.POST)
    if form.is_valid():
        try:
            services.data_request_submit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request is submitted. You will have an answer within 15 working days."))
            return redirect("privacy:mine")
    return render(request, "privacy/mine.html", _mine_context(request, form), status=400)


def _require_admin(user):
    if not user.is_superuser:
        raise PermissionDenied


@login_required
@require_GET
def queue(request):
    """Requests about personal data for the administrators, the first due on top."""
    _require_admin(request.user)
    status = request.GET.get("status", RequestStatus.SUBMITTED)
    if status not in RequestStatus.values and status != "":
        status = RequestStatus.SUBMITTED
    page = Paginator(selectors.queue(status), 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_due(page.object_list)
    return render(request, "privacy/queue.html", {"nav": "privacy_queue", "page_obj": page, "status": status,
                                                  "statuses": RequestStatus.choices})


@login_required
def request_detail(request, pk):
    """One request, its log, the resident's open matters and how much is held about them (counts, no
    contact data: staff correct records on the records' own pages), and the answer form."""
    if not request.user.is_superuser:
        raise Http404
    try:
        obj = PersonalDataRequest.objects.select_related("user", "decided_by").get(pk=pk)
    except PersonalDataRequest.DoesNotExist:
        raise Http404 from None
    form = DecisionForm(request.POST or None) if obj.status == RequestStatus.SUBMITTED else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This request is answered already."))
            return redirect("privacy:request", pk=obj.pk)
        if form.is_valid():
            try:
                services.data_request_decide(actor=request.user, request=obj, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The answer is saved and the resident is told."))
                return redirect("privacy:request", pk=obj.pk)
    obj.due = selectors.due(obj)
    return render(request, "privacy/request.html", {
        "nav": "privacy_queue", "r": obj, "form": form, "steps": list(obj.steps.select_related("actor")),
        "open_matters": selectors.open_matters(obj.user), "held": selectors.held_counts(obj.user),
    })
