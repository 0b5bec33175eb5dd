"""Pages of the small-wish board (微心愿): the public board, submitting a wish (a resident, or a
grid worker for a resident), one's own wishes and claims, the review queue, and the steps."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.access import covers, get_for, user_scope
from dangjian.core.files import stored_file_response
from dangjian.core.forms import submit
from dangjian.core.ratelimit import rate_limited
from dangjian.grid.models import Building
from dangjian.organizations.models import Organization
from dangjian.privacy.choices import Purpose
from dangjian.privacy.forms import add_consent
from dangjian.privacy.services import with_consent

from . import selectors
from .choices import WishAction, WishStatus
from .forms import ClaimForm, FulfilForm, ReviewForm, ThankForm, WishForm
from .models import Wish
from .services import TRANSITIONS, is_reviewer, may, wish_submit, wish_transition

A = WishAction


def wish_url(wish):
    return reverse("wishes:detail", args=[wish.pk])


def _wish(request, pk) -> Wish:
    return get_for(request.user, Wish.objects.select_related("organization", "building", "claimed_by"), "view", pk=pk)


def _step_wish(request, pk, action) -> Wish:
    """The wish if the user may take ``action`` on it: 404 out of sight; 403 for those over the
    community who may not; 404 for those who see it only personally (wisher, grid staff)."""
    wish = _wish(request, pk)
    if not may(request.user, wish, action):
        if covers(user_scope(request.user, "view"), wish.organization):
            raise PermissionDenied
        raise Http404
    return wish


@require_GET
@rate_limited("public_page", group="wishes.board", methods=None)
def board(request, pk):
    """The public wish board of a community (no login): no personal data."""
    org = get_object_or_404(Organization.objects.only("id", "name", "short_name", "path"), pk=pk)
    page = Paginator(selectors.board(org), 30).get_page(request.GET.get("page"))
    return render(request, "wishes/board.html", {"nav": "wishes", "org": org, "page_obj": page})


@login_required
@require_GET
def mine(request):
    """The wishes the user made or filed, and the wishes they claimed."""
    return render(request, "wishes/mine.html", {
        "nav": "wishes", "own": list(selectors.own_wishes(request.user)[:100]),
        "claims": list(selectors.claimed_by(request.user)[:100]),
        "communities": selectors.wish_communities(),
    })


@login_required
@rate_limited("resident_post", group="wishes.new")
def new(request):
    """Submit a wish: a resident for themselves; grid staff for a resident of their grids."""
    grid_ids = user_scope(request.user, "add").grid_ids
    on_behalf = bool(grid_ids) and request.GET.get("self") != "1"
    buildings = Building.objects.filter(grid__in=grid_ids, grid__active=True) if on_behalf else None
    community = None
    if request.GET.get("organization", "").isdigit():
        community = selectors.wish_communities().filter(pk=request.GET["organization"]).first()
    form = WishForm(request.POST or None, buildings=buildings, community=community, on_behalf=on_behalf)
    form.fields["organization"].widget.attrs["hx-get"] = request.path
    if not on_behalf:  # a grid worker filing for a resident tells them the notice in person
        add_consent(form, Purpose.WISH)

    def action(data):
        if on_behalf:
            return wish_submit(actor=request.user, on_behalf=True, **data)
        return with_consent(actor=request.user, purpose=Purpose.WISH, data=data,
                            run=lambda d: wish_submit(actor=request.user, on_behalf=False, **d))

    done = submit(request, form, action, message=_("Thank you. Your wish is sent to the community for review."),
                  next_url=wish_url)
    if done:
        return done
    return render(request, "wishes/new.html", {"nav": "wishes", "form": form, "on_behalf": on_behalf})


@login_required
@require_GET
def review(request):
    """Wishes awaiting review in the user's communities (secretaries and organizers)."""
    scope = user_scope(request.user, "transition")
    if not (scope.everything or scope.paths):
        raise PermissionDenied
    page = Paginator(selectors.review_queue(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "wishes/review.html", {"nav": "wishes", "page_obj": page})


@login_required
@require_GET
def claimable(request):
    """Wishes on the board that the user may claim."""
    return render(request, "wishes/claimable.html", {
        "nav": "wishes", "wishes": list(selectors.claimable(request.user)[:100])})


@login_required
@require_GET
def detail(request, pk):
    wish = _wish(request, pk)
    staff = covers(user_scope(request.user, "view"), wish.organization) or user_scope(request.user, "view").everything
    personal = request.user.pk in (wish.wisher_id, wish.filed_by_id, wish.claimed_by_id)
    actions = [a for a in (A.PUBLISH, A.CLAIM, A.FULFIL, A.THANK, A.RELEASE)
               if wish.status in TRANSITIONS[a].sources and may(request.user, wish, a)]
    return render(request, "wishes/detail.html", {
        "nav": "wishes", "wish": wish, "actions": actions, "show_contact": staff or personal,
        "log": list(wish.log.select_related("actor")), "statuses": dict(WishStatus.choices),
    })


def _step(request, pk, action, form_class, run, *, template="wishes/step.html", title="", form_kwargs=None):
    wish = _step_wish(request, pk, action)
    open_now = wish.status in TRANSITIONS[action].sources
    kwargs = form_kwargs(wish) if form_kwargs else {}
    form = form_class(request.POST or None, request.FILES or None, **kwargs)
    if open_now:
        done = submit(request, form, lambda data: run(wish, data), message=_("Saved."), next_url=wish_url)
        if done:
            return done
    return render(request, template, {"nav": "wishes", "wish": wish, "form": form, "open_now": open_now,
                                      "title": title, "multipart": "photo" in form.fields})


@login_required
def decide(request, pk):
    """Review a submitted wish: publish it on the board, or not accept it (with the reason)."""
    def run(wish, data):
        return wish_transition(actor=request.user, wish=wish, action=data["decision"], note=data["note"],
                               expected_status=WishStatus.SUBMITTED)
    return _step(request, pk, A.PUBLISH, ReviewForm, run, title=_("Review the wish"))


@login_required
def claim(request, pk):
    def run(wish, data):
        return wish_transition(actor=request.user, wish=wish, action=A.CLAIM, note=data["note"],
                               unit=data.get("unit", ""), fulfil_by=data["fulfil_by"],
                               expected_status=WishStatus.PUBLISHED)
    return _step(request, pk, A.CLAIM, ClaimForm, run, title=_("Claim the wish"),
                 form_kwargs=lambda wish: {"reviewer": is_reviewer(request.user, wish)})


@login_required
def fulfil(request, pk):
    def run(wish, data):
        return wish_transition(actor=request.user, wish=wish, action=A.FULFIL, note=data["note"],
                               photo=data.get("photo"), expected_status=WishStatus.CLAIMED)
    return _step(request, pk, A.FULFIL, FulfilForm, run, title=_("The wish is fulfilled"))


@login_required
def thank(request, pk):
    def run(wish, data):
        return wish_transition(actor=request.user, wish=wish, action=A.THANK, thanks=data["thanks"],
                               expected_status=WishStatus.FULFILLED)
    return _step(request, pk, A.THANK, ThankForm, run, title=_("Say thanks"))


@login_required
@require_POST
def release(request, pk):
    """Give a claimed wish back to the board (the claimer, or a secretary)."""
    wish = _step_wish(request, pk, A.RELEASE)
    try:
        wish_transition(actor=request.user, wish=wish, action=A.RELEASE, expected_status=WishStatus.CLAIMED,
                        note=_("Given back by the claimer."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The wish is back on the board."))
    return redirect(wish_url(wish))


@login_required
@require_GET
def photo(request, pk):
    """The photo of a fulfilled wish, for those who see the wish."""
    wish = _wish(request, pk)
    return stored_file_response(wish.evidence, attachment=False)

