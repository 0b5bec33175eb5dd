"""Pages of the member follow-ups: duties and pledges (设岗定责, 公开承诺), reserve cadres (后备人才),
milestones (政治生日, 光荣在党50年), lost contact (失联党员) and changes of standing (出党, 停止党籍,
留党察看). Each page parses input and calls one service."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.forms import submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.organizations.choosing import chosen_organization, require_subtree_view
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from . import cadres as cadre_services
from . import followups, lost_contact, milestones, selectors, standing
from .choices import CadreStatus, LostContactStatus, MemberStatus
from .filters import org_picker_choices
from .lifecycle_forms import (
    CadreAppointForm,
    CadreEvaluationForm,
    CadreLeaveForm,
    CadreTrainingForm,
    DutyPostEndForm,
    DutyPostReviewForm,
    LostContactFoundForm,
    LostContactHandleForm,
    LostContactOpenForm,
    PartyProbationClearForm,
    PartyProbationSetForm,
    PledgeProgressForm,
    PledgeVerdictForm,
    ReserveCadreForm,
    SearchRecordForm,
    StatusChangeForm,
)
from .models import DutyPost, LostContactCase, Member, Pledge, ReserveCadre


def _member_url(member_id):
    return reverse("members:detail", args=[member_id])


def _member(request, pk, action="view"):
    return get_for(request.user, Member.objects.without_protected().select_related("organization"), action, pk=pk)


def _int(value, default, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _org_context(request, org):
    visible = Organization.objects.restrict(request.user, "view")
    return {"org": org, "org_choices": org_picker_choices(request.user, visible, org.pk),
            "ancestors": visible_ancestors(org, request.user)}


def _form_page(request, form, *, title, back, member=None, intro="", confirm="", submit_label=None, nav="members"):
    return render(request, "members/lifecycle/form.html", {
        "nav": nav, "form": form, "title": title, "back": back, "member": member, "intro": intro,
        "confirm": confirm, "submit_label": submit_label or _("Save"),
    })


# Standing --------------------------------------------------------------------------------------


@login_required
def status_change(request, pk):
    """Change a member's standing (出党: died, resigned, removed …; 停止党籍; 恢复党籍), with confirmation."""
    member = _member(request, pk, "change")
    form = StatusChangeForm(request.POST or None, member=member)
    done = submit(request, form, lambda data: standing.member_status_change(
        actor=request.user, member=member, to=data["to"], effective_on=data["effective_on"], reason=data["reason"],
        document=data["document"]), message=_("The change of standing is recorded."), next_url=_member_url(member.pk))
    if done:
        return done
    case = member.lost_contact_cases.filter(status__in=[LostContactStatus.SEARCHING, LostContactStatus.SUSPENDED]).first()
    return render(request, "members/lifecycle/status_change.html", {
        "nav": "members", "member": member, "form": form, "case": case,
        "ancestors": visible_ancestors(member.organization, request.user) + [member.organization],
    })


@login_required
def party_probation(request, pk):
    """Place a full member on probation within the Party (留党察看), or end it."""
    member = _member(request, pk, "change")
    if member.party_probation_until:
        form = PartyProbationClearForm(request.POST or None)
        done = submit(request, form, lambda data: standing.party_probation_clear(actor=request.user, member=member, **data),
                      message=_("Probation within the Party has ended."), next_url=_member_url(member.pk))
        title = _("End the probation within the Party of %(name)s") % {"name": member.name}
        intro = _("%(name)s is on probation within the Party until %(date)s.") % {
            "name": member.name, "date": member.party_probation_until}
        confirm = ""
    else:
        form = PartyProbationSetForm(request.POST or None)
        done = submit(request, form, lambda data: standing.party_probation_set(
            actor=request.user, member=member, effective_on=data["effective_on"], until=data["until"],
            reason=data["reason"], document=data["document"]),
            message=_("The probation within the Party is recorded."), next_url=_member_url(member.pk))
        title = _("Place %(name)s on probation within the Party") % {"name": member.name}
        intro = _("While on probation within the Party a member may not vote, stand for election or sponsor applicants.")
        confirm = _("Record the probation within the Party?")
    return done or _form_page(request, form, title=title, back=_member_url(member.pk), member=member, intro=intro,
                              confirm=confirm)


# Duties and pledges ----------------------------------------------------------------------------


def _duty(request, pk):
    return get_for(request.user, DutyPost.objects.select_related("member", "member__organization"), "change", pk=pk)


def _pledge(request, pk):
    return get_for(request.user, Pledge.objects.select_related("member", "member__organization"), "change", pk=pk)


@login_required
def duty_post_review(request, pk):
    """Record how a member carried out a duty (履职评价)."""
    post = _duty(request, pk)
    form = DutyPostReviewForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: followups.duty_post_review(actor=request.user, post=post, **data),
                  message=_("The review is recorded."), next_url=_member_url(post.member_id))
    return done or _form_page(request, form, title=_("Review the duty “%(duty)s” of %(name)s") % {
        "duty": post.title, "name": post.member.name}, back=_member_url(post.member_id), member=post.member,
        intro=post.description)


@login_required
def duty_post_end(request, pk):
    """End a duty or model post."""
    post = _duty(request, pk)
    form = DutyPostEndForm(request.POST or None)
    done = submit(request, form, lambda data: followups.duty_post_end(actor=request.user, post=post, **data),
                  message=_("The duty has ended."), next_url=_member_url(post.member_id))
    return done or _form_page(request, form, title=_("End the duty “%(duty)s” of %(name)s") % {
        "duty": post.title, "name": post.member.name}, back=_member_url(post.member_id), member=post.member)


@login_required
def pledge_progress(request, pk):
    """Note progress on a pledge (践诺情况)."""
    pledge = _pledge(request, pk)
    form = PledgeProgressForm(request.POST or None)
    done = submit(request, form, lambda data: followups.pledge_progress_add(actor=request.user, pledge=pledge, **data),
                  message=_("Saved."), next_url=_member_url(pledge.member_id))
    return done or _form_page(request, form, title=_("Progress on the pledge of %(name)s") % {"name": pledge.member.name},
                              back=_member_url(pledge.member_id), member=pledge.member, intro=pledge.content)


@login_required
def pledge_verdict(request, pk):
    """The year-end verdict on a pledge (践诺评议): kept or not kept."""
    pledge = _pledge(request, pk)
    form = PledgeVerdictForm(request.POST or None)
    done = submit(request, form, lambda data: followups.pledge_conclude(actor=request.user, pledge=pledge, **data),
                  message=_("The verdict is recorded."), next_url=_member_url(pledge.member_id))
    return done or _form_page(request, form, title=_("Verdict on the %(year)d pledge of %(name)s") % {
        "year": pledge.year, "name": pledge.member.name}, back=_member_url(pledge.member_id), member=pledge.member,
        intro=pledge.content)


@login_required
@require_GET
def commitments(request):
    """The 公开承诺 board of a branch (or a larger subtree) for a year: pledges and duty posts with their follow-ups."""
    org = chosen_organization(request)
    today = timezone.localdate()
    year = _int(request.GET.get("year"), today.year, 2000, today.year + 1)
    board = selectors.commitments_board(user=request.user, organization=org, year=year)
    scope = user_scope(request.user, "view")
    return render(request, "members/lifecycle/commitments.html", {
        "nav": "commitments", **_org_context(request, org), **board, "year": year,
        "years": range(today.year + 1, today.year - 5, -1), "can_change": can(request.user, "change", org),
        # Ratings of duties are for those who oversee the branch and for the member's own posts.
        "show_reviews": bool(scope.everything or scope.paths), "my_member_id": scope.member_id,
    })


# Milestones ------------------------------------------------------------------------------------


@login_required
@require_GET
def anniversaries(request):
    """Political birthdays (政治生日) of a month: members who joined the Party in it, by day; printable."""
    org = chosen_organization(request)
    today = timezone.localdate()
    month = _int(request.GET.get("month"), today.month, 1, 12)
    year = _int(request.GET.get("year"), today.year, 1921, today.year + 1)
    members = Member.objects.restrict(request.user, "view").without_protected().filter(
        organization__path__startswith=org.path).select_related("organization")
    rows = milestones.anniversaries(members, year=year, month=month)
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    return render(request, "members/lifecycle/anniversaries.html", {
        "nav": "milestones", "tab": "anniversaries", **_org_context(request, org), "page_obj": page, "month": month,
        "year": year, "months": range(1, 13), "today": today,
    })


@login_required
@require_GET
def fifty_years(request):
    """光荣在党50年: members who have reached the years of the rule, and who reach them this year or next."""
    require_subtree_view(request.user)
    org = chosen_organization(request)
    today = timezone.localdate()
    rules = milestones.fifty_years_rule(org, today)
    members = Member.objects.restrict(request.user, "view").without_protected().filter(
        organization__path__startswith=org.path).select_related("organization")
    rows = milestones.fifty_years(members, today=today, rules=rules)
    counts = milestones.fifty_years_counts(rows)
    group = request.GET.get("group", "")
    if group in milestones.FIFTY_GROUPS:
        rows = rows.filter(group=group)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    for m in page:
        m.reaches_on = milestones.reaches_on(m, rules)
        m.standing_years = m.party_standing(today) if rules.field == "full_member_on" else None
    return render(request, "members/lifecycle/fifty_years.html", {
        "nav": "milestones", "tab": "fifty", **_org_context(request, org), "page_obj": page, "counts": counts,
        "group": group, "rules": rules, "today": today, "can_export": can(request.user, "export", org),
    })


@login_required
@require_GET
def fifty_years_xlsx(request):
    """The 光荣在党50年 list of a subtree as a spreadsheet (audited), for medal applications."""
    org = chosen_organization(request, "export")
    today = timezone.localdate()
    rules = milestones.fifty_years_rule(org, today)
    members = Member.objects.restrict(request.user, "view").without_protected().filter(
        organization__path__startswith=org.path).select_related("organization")
    rows = list(milestones.fifty_years(members, today=today, rules=rules))
    audit_log(actor=request.user, action="member.fifty_years_exported", obj=org, organization=org,
              changes={"count": len(rows), "rule_version": rules.version})
    response = HttpResponse(milestones.fifty_years_xlsx(rows, rules), content_type=XLSX_CONTENT_TYPE)
    filename = f"{org.name}光荣在党{rules.years}年名单{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# Reserve cadres --------------------------------------------------------------------------------


def _cadre(request, pk, action="view"):
    return get_for(request.user, ReserveCadre.objects.select_related(
        "member", "member__organization", "organization", "intended_kind", "appointed_post"), action, pk=pk)


def _cadre_url(cadre):
    return reverse("members:cadre_detail", args=[cadre.pk])


@login_required
@require_GET
def cadres(request):
    """The reserve-cadre pool (后备人才库) of an organization's subtree, with counts per organization."""
    require_subtree_view(request.user)
    org = chosen_organization(request)
    status = request.GET.get("status", CadreStatus.IN_POOL)
    pool = ReserveCadre.objects.restrict(request.user, "view").filter(organization__path__startswith=org.path)
    counts = cadre_services.pool_counts(pool)
    listed = pool if status == "all" else pool.filter(status=status if status in CadreStatus.values else CadreStatus.IN_POOL)
    page = Paginator(listed.select_related("member", "member__organization", "organization", "intended_kind")
                     .order_by("organization__path", "intended_kind__order", "added_on", "id"), 50).get_page(
        request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "members/lifecycle/cadres.html", {
        "nav": "cadres", **_org_context(request, org), "page_obj": page, "counts": counts, "status": status,
        "statuses": CadreStatus.choices, "by_org": cadre_services.pool_by_organization(pool)[:100], "today": today,
        "can_add": can(request.user, "add", org),
    })


@login_required
def cadre_add(request):
    """Put a member in an organization's reserve-cadre pool."""
    org = chosen_organization(request, "add")
    form = ReserveCadreForm(request.POST or None, organization=org, user=request.user)
    done = submit(request, form, lambda data: cadre_services.reserve_cadre_add(actor=request.user, organization=org, **data),
                  message=_("Added to the pool."), next_url=_cadre_url)
    return done or _form_page(request, form, title=_("Add a reserve cadre to %(org)s") % {"org": org.display_name},
                              back=reverse("members:cadres") + f"?org={org.pk}", nav="cadres")


@login_required
@require_GET
def cadre_detail(request, pk):
    cadre = _cadre(request, pk)
    return render(request, "members/lifecycle/cadre_detail.html", {
        "nav": "cadres", "cadre": cadre, "trainings": cadre.trainings.all(), "evaluations": cadre.evaluations.all(),
        "total_hours": sum(t.hours for t in cadre.trainings.all()),
        "can_change": can(request.user, "change", cadre), "today": timezone.localdate(),
        "ancestors": visible_ancestors(cadre.organization, request.user) + [cadre.organization],
    })


@login_required
def cadre_training(request, pk):
    cadre = _cadre(request, pk, "change")
    form = CadreTrainingForm(request.POST or None)
    done = submit(request, form, lambda data: cadre_services.cadre_training_add(actor=request.user, cadre=cadre, **data),
                  message=_("Saved."), next_url=_cadre_url(cadre))
    return done or _form_page(request, form, title=_("Training of %(name)s") % {"name": cadre.member.name},
                              back=_cadre_url(cadre), nav="cadres")


@login_required
def cadre_evaluation(request, pk):
    cadre = _cadre(request, pk, "change")
    form = CadreEvaluationForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: cadre_services.cadre_evaluation_add(actor=request.user, cadre=cadre, **data),
                  message=_("Saved."), next_url=_cadre_url(cadre))
    return done or _form_page(request, form, title=_("Evaluation of %(name)s") % {"name": cadre.member.name},
                              back=_cadre_url(cadre), nav="cadres")


@login_required
def cadre_appoint(request, pk):
    """Mark a pool entry appointed to a post the member now holds (filled on the organization's page)."""
    cadre = _cadre(request, pk, "change")
    form = CadreAppointForm(request.POST or None, cadre=cadre)
    done = submit(request, form, lambda data: cadre_services.reserve_cadre_mark_appointed(
        actor=request.user, cadre=cadre, post=data["post"]), message=_("Marked as appointed."), next_url=_cadre_url(cadre))
    intro = "" if form.fields["post"].queryset.exists() else _(
        "%(name)s holds no post in %(org)s or below it yet. Fill the post on the organization's page first.") % {
        "name": cadre.member.name, "org": cadre.organization.display_name}
    return done or _form_page(request, form, title=_("Mark %(name)s as appointed") % {"name": cadre.member.name},
                              back=_cadre_url(cadre), intro=intro, nav="cadres")


@login_required
def cadre_leave(request, pk):
    cadre = _cadre(request, pk, "change")
    form = CadreLeaveForm(request.POST or None)
    done = submit(request, form, lambda data: cadre_services.reserve_cadre_leave(actor=request.user, cadre=cadre, **data),
                  message=_("The member has left the pool."), next_url=_cadre_url(cadre))
    return done or _form_page(request, form, title=_("Take %(name)s out of the pool") % {"name": cadre.member.name},
                              back=_cadre_url(cadre), nav="cadres", confirm=_("Take the member out of the pool?"))


# Lost contact ----------------------------------------------------------------------------------


def _case(request, pk, action="view"):
    return get_for(request.user, LostContactCase.objects.select_related("member", "organization"), action, pk=pk)


def _case_url(case):
    return reverse("members:lost_contact_case", args=[case.pk])


@login_required
@require_GET
def lost_contact_list(request):
    """Members who lost contact (失联党员) in a subtree, with the searches and deadlines of the rules."""
    require_subtree_view(request.user)
    org = chosen_organization(request)
    status = request.GET.get("status", "open")
    cases = selectors.lost_contact_cases(user=request.user, organization=org, status=status)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    page.object_list = lost_contact.with_deadlines(page.object_list)
    unrecorded = (Member.objects.restrict(request.user, "view").without_protected()
                  .filter(organization__path__startswith=org.path, status=MemberStatus.LOST_CONTACT)
                  .exclude(lost_contact_cases__status__in=[LostContactStatus.SEARCHING, LostContactStatus.SUSPENDED])
                  .select_related("organization")[:50])
    return render(request, "members/lifecycle/lost_contact.html", {
        "nav": "milestones", "tab": "lost", **_org_context(request, org), "page_obj": page, "status": status,
        "statuses": LostContactStatus.choices, "unrecorded": unrecorded, "today": timezone.localdate(),
        "rules": lost_contact.rules_for(org),
    })


@login_required
def lost_contact_open(request, pk):
    """Record that the branch has lost contact with a member (opens the case, status: lost contact)."""
    member = _member(request, pk, "change")
    form = LostContactOpenForm(request.POST or None)
    done = submit(request, form, lambda data: lost_contact.lost_contact_open(actor=request.user, member=member, **data),
                  message=_("The case is open: record each search."), next_url=_case_url)
    rules = lost_contact.rules_for(member.organization)
    intro = _("Search at least every %(days)d days. After %(months)d months without contact and %(n)d searches the "
              "branch may handle the case (rule %(rule)s).") % {
        "days": rules.search_interval_days, "months": rules.handle_after_months, "n": rules.min_searches,
        "rule": rules.version}
    return done or _form_page(request, form, title=_("%(name)s: lost contact") % {"name": member.name},
                              back=_member_url(member.pk), member=member, intro=intro,
                              confirm=_("Mark the member as lost contact?"))


@login_required
@require_GET
def lost_contact_case(request, pk):
    case = _case(request, pk)
    case.search_count = case.searches.count()
    searches = list(case.searches.all())
    case.last_search = searches[0].on if searches else None
    rules = lost_contact.rules_for(case.organization)
    deadlines = lost_contact.case_deadlines(case, rules, last_search=case.last_search, search_count=case.search_count)
    return render(request, "members/lifecycle/lost_contact_case.html", {
        "nav": "milestones", "case": case, "searches": searches, "deadlines": deadlines, "rules": rules,
        "changes": case.member.status_changes.filter(effective_on__gte=case.since).order_by("effective_on", "id"),
        "can_change": can(request.user, "change", case), "today": timezone.localdate(),
        "ancestors": visible_ancestors(case.organization, request.user) + [case.organization],
    })


@login_required
def lost_contact_search(request, pk):
    case = _case(request, pk, "change")
    form = SearchRecordForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: lost_contact.lost_contact_search(actor=request.user, case=case, **data),
                  message=_("The search is recorded."), next_url=_case_url(case))
    return done or _form_page(request, form, title=_("Record a search for %(name)s") % {"name": case.member.name},
                              back=_case_url(case), nav="milestones")


@login_required
def lost_contact_found(request, pk):
    case = _case(request, pk, "change")
    form = LostContactFoundForm(request.POST or None)
    done = submit(request, form, lambda data: lost_contact.lost_contact_found(actor=request.user, case=case, **data),
                  message=_("The case is closed: the member was found."), next_url=_case_url(case))
    return done or _form_page(request, form, title=_("%(name)s has been found") % {"name": case.member.name},
                              back=_case_url(case), nav="milestones",
                              intro=_("The member returns to the standing they had before: %(status)s.") % {
                                  "status": MemberStatus(case.previous_status).label})


@login_required
def lost_contact_handle(request, pk):
    """Take the step the rules allow: suspend the membership, or later remove the member as lapsed."""
    case = _case(request, pk, "change")
    form = LostContactHandleForm(request.POST or None)
    done = submit(request, form, lambda data: lost_contact.lost_contact_handle(actor=request.user, case=case, **data),
                  message=_("The decision is recorded."), next_url=_case_url(case))
    if done:
        return done
    counts = {"n": case.searches.count(), "last": case.searches.order_by("-on").values_list("on", flat=True).first()}
    rules = lost_contact.rules_for(case.organization)
    deadlines = lost_contact.case_deadlines(case, rules, last_search=counts["last"], search_count=counts["n"])
    intro = ""
    if deadlines is not None:
        intro = _("Handling changes the member's standing to “%(status)s”. The rules allow it from %(date)s "
                  "(rule %(rule)s).") % {"status": MemberStatus(deadlines.next_step).label,
                                         "date": deadlines.handle_from, "rule": rules.version}
    return _form_page(request, form, title=_("Handle the case of %(name)s") % {"name": case.member.name},
                      back=_case_url(case), nav="milestones", intro=intro,
                      confirm=_("Record this decision? The member's standing changes."))
