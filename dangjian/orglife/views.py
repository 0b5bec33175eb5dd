"""Pages of organizational life: meetings, recording, signing in, compliance and study hours."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for, has_any_scope
from dangjian.core.audit import audit_log
from dangjian.core.files import stored_file_response
from dangjian.core.forms import add_service_errors, submit
from dangjian.core.spreadsheets import XLSX_CONTENT_TYPE
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES
from dangjian.organizations.choosing import chosen_organization, require_subtree_view
from dangjian.organizations.models import Organization, PostKind
from dangjian.organizations.selectors import visible_ancestors

from . import appraisal as appraisal_services
from . import calendar, documents, reminders, selectors, services
from . import elections as election_services
from . import study as study_sources
from .choices import AttendanceStatus, Grade, MeetingKind, MeetingStatus
from .forms import (
    ATTENDANCE_CHOICES,
    CancelForm,
    CourseForm,
    HomeDeliveryForm,
    MeetingPlanForm,
    MeetingRecordForm,
    NoteReviewForm,
    ResolutionFormSet,
    SelfReviewForm,
    SignInForm,
    StudyNoteForm,
)
from .models import Appraisal, AppraisalEntry, Course, Election, Meeting, MeetingAttachment, StudyNote, StudyRecord


def meeting_url(meeting):
    return reverse("orglife:detail", args=[meeting.pk])


def _meeting(request, pk, action="view"):
    return get_for(request.user, Meeting.objects.select_related("organization", "host", "recorder"), action, pk=pk)


def _year(request):
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@login_required
@require_GET
def meeting_list(request):
    """Meetings of the chosen organization's subtree, upcoming first, then the latest held.

    Filters: ``kind`` (one or several, comma-separated), ``status``, ``from``/``to`` (days the meetings
    began, local dates) and ``joint=1`` (also meetings held jointly with an organization of the subtree,
    as the statistics count them)."""
    org = chosen_organization(request)
    subtree = org.subtree().values("pk")
    held_here = Q(organization__in=subtree)
    if request.GET.get("joint") == "1":
        held_here |= Q(pk__in=Meeting.objects.filter(joint_organizations__in=subtree).values("pk"))
    meetings = Meeting.objects.restrict(request.user, "view").filter(held_here).select_related("organization")
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind:
        meetings = meetings.filter(kind__in=kind.split(","))
    if status:
        meetings = meetings.filter(status=status)
    for param, lookup in (("from", "starts_at__date__gte"), ("to", "starts_at__date__lte")):
        try:
            day = parse_date(request.GET.get(param, ""))
        except ValueError:  # a well-formed day that does not exist
            day = None
        if day:
            meetings = meetings.filter(**{lookup: day})
    page = Paginator(meetings.order_by("-starts_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "orglife/list.html", {
        "nav": "meetings", "org": org, "page_obj": page, "kinds": MeetingKind.choices,
        "statuses": MeetingStatus.choices, "kind": kind, "status": status,
        "ancestors": visible_ancestors(org, request.user) + [org],
        "due": [r for r in selectors.compliance(org, timezone.localdate().year) if r.status != "ok"][:50]
        if org.org_type in ("branch", "joint_branch", "temporary_branch", "party_group") else [],
    })


@login_required
def plan(request):
    """Plan a meeting for an organization; the kinds the rules still ask for are offered first."""
    org = chosen_organization(request, "add")
    initial = {"kind": request.GET.get("kind", ""), "topic": ""}
    form = MeetingPlanForm(request.POST or None, initial=initial, organization=org, user=request.user)
    done = submit(request, form, lambda data: services.meeting_plan(actor=request.user, organization=org, **data),
                  message=lambda m: _("%(meeting)s is planned; %(n)d members are invited.")
                  % {"meeting": m, "n": m.attendances.count()},
                  next_url=meeting_url)
    due = [r for r in selectors.compliance(org, timezone.localdate().year)
           if r.status == "due" and r.organization.pk == org.pk]
    return done or render(request, "orglife/plan.html", {
        "nav": "meetings", "org": org, "form": form, "due": due,
        "ancestors": visible_ancestors(org, request.user) + [org],
    })


@login_required
@require_GET
def detail(request, pk):
    meeting = _meeting(request, pk)
    can_change = Meeting.objects.restrict(request.user, "change").filter(pk=meeting.pk).exists()
    attendances = meeting.attendances.select_related("member").order_by("member__name_pinyin")
    return render(request, "orglife/detail.html", {
        "nav": "meetings", "meeting": meeting, "attendances": attendances, "can_change": can_change,
        "counts": {s: sum(1 for a in attendances if a.status == s) for s in AttendanceStatus.values},
        "ancestors": visible_ancestors(meeting.organization, request.user) + [meeting.organization],
        "show_code": can_change and meeting.status == MeetingStatus.PLANNED,
    })


@login_required
def record(request, pk):
    """Record a held meeting in one form: attendance, minutes, resolutions (会议记录)."""
    meeting = _meeting(request, pk, "change")
    rows = list(meeting.attendances.select_related("member").order_by("member__name_pinyin"))
    form = MeetingRecordForm(request.POST or None, meeting=meeting,
                             initial={"host": meeting.host_id, "recorder": meeting.recorder_id, "minutes": meeting.minutes})
    resolutions = ResolutionFormSet(request.POST or None, prefix="res", initial=[
        {"text": r.text, "votes_for": r.votes_for, "votes_against": r.votes_against, "abstentions": r.abstentions}
        for r in meeting.resolutions.all()])
    for row in rows:
        default = row.status if row.status != AttendanceStatus.INVITED else AttendanceStatus.PRESENT
        row.posted = request.POST.get(f"att-{row.member_id}", default) if request.method == "POST" else default
        row.posted_reason = request.POST.get(f"reason-{row.member_id}", row.leave_reason)
    if request.method == "POST" and form.is_valid() and resolutions.is_valid():
        attendance = {row.member_id: (row.posted, row.posted_reason) for row in rows}
        items = [{k: (f.cleaned_data.get(k) or 0) for k in ("votes_for", "votes_against", "abstentions")}
                 | {"text": f.cleaned_data["text"]} for f in resolutions if f.cleaned_data.get("text")]
        try:
            with transaction.atomic():
                services.meeting_record(actor=request.user, meeting=meeting, attendance=attendance,
                                        minutes=form.cleaned_data["minutes"], resolutions=items,
                                        host=form.cleaned_data["host"], recorder=form.cleaned_data["recorder"])
                services.meeting_attach(actor=request.user, meeting=meeting, files=request.FILES.getlist("attachments"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting is recorded; study hours are credited to those present."))
            return redirect(meeting_url(meeting))
    return render(request, "orglife/record.html", {
        "nav": "meetings", "meeting": meeting, "form": form, "resolutions": resolutions, "rows": rows,
        "choices": ATTENDANCE_CHOICES, "hours": services.hours_for(meeting)[0],
        "ancestors": visible_ancestors(meeting.organization, request.user) + [meeting.organization],
    })


@login_required
def cancel(request, pk):
    meeting = _meeting(request, pk, "change")
    form = CancelForm(request.POST or None)
    done = submit(request, form, lambda data: services.meeting_cancel(actor=request.user, meeting=meeting, **data),
                  message=_("The meeting is cancelled."), next_url=meeting_url(meeting))
    return done or render(request, "orglife/form.html", {
        "nav": "meetings", "form": form, "meeting": meeting, "title": _("Cancel %(meeting)s") % {"meeting": meeting},
        "submit": _("Cancel the meeting"),
    })


@login_required
def sign_in(request):
    """A member signs in at a meeting with the code the host shows (签到)."""
    form = SignInForm(request.POST or None)
    done = submit(request, form, lambda data: services.meeting_sign_in(user=request.user, code=data["code"]),
                  message=lambda m: _("You are signed in at %(meeting)s.") % {"meeting": m}, next_url=meeting_url)
    return done or render(request, "orglife/sign_in.html", {"nav": "sign_in", "form": form})


# The compliance page lists the organizations most behind first, at most this many; the rest
# are reached by drilling down (a sub-district can hold thousands of branches and groups).
COMPLIANCE_PAGE_ROWS = 200


@login_required
def compliance(request):
    """Which organizations are behind on which meetings this year (三会一课落实情况)."""
    require_subtree_view(request.user)
    org, year = chosen_organization(request), _year(request)
    if request.method == "POST":
        if not can(request.user, "change", org):
            raise PermissionDenied
        sent = reminders.remind(actor=request.user, rows_by_org=reminders.behind(org))
        messages.success(request, _("Reminders sent to %(n)d organizations.") % {"n": sent})
        return redirect(reverse("orglife:compliance") + f"?org={org.pk}&year={year}")
    rows = selectors.compliance(org, year)
    summary: dict[int, dict] = {}
    for row in rows:
        entry = summary.setdefault(row.organization.pk, {"org": row.organization, "kinds": {}, "overdue": 0, "due": 0})
        kind = entry["kinds"].setdefault(row.kind, {"label": row.kind_label, "required": 0, "held": 0, "overdue": 0})
        kind["required"] += row.required
        kind["held"] += min(row.held, row.required)
        kind["overdue"] += row.status == "overdue"
        if row.status != "ok":
            entry[row.status] += 1
    behind = sorted(summary.values(), key=lambda e: (-e["overdue"], -e["due"], e["org"].path))
    return render(request, "orglife/compliance.html", {
        "nav": "compliance", "org": org, "year": year, "entries": behind[:COMPLIANCE_PAGE_ROWS],
        "total": len(behind), "shown": min(len(behind), COMPLIANCE_PAGE_ROWS),
        "detail_rows": rows if len(summary) == 1 else [],
        "can_remind": can(request.user, "change", org) and any(e["overdue"] or e["due"] for e in behind),
        "ancestors": visible_ancestors(org, request.user) + [org],
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
    })


@login_required
@require_GET
def study_overview(request):
    """Members' study hours for the year against their targets (学时), shortest first."""
    require_subtree_view(request.user)
    org, year = chosen_organization(request), _year(request)
    standings = selectors.study_standings(selectors.members_for_study(org).select_related("organization"), year,
                                          organization=org)
    standings.sort(key=lambda s: (-s.short, s.member.name_pinyin))
    page = Paginator(standings, 50).get_page(request.GET.get("page"))
    return render(request, "orglife/study.html", {
        "nav": "study", "org": org, "year": year, "page_obj": page,
        "flagged": selectors.short_of_hours_flagged(year, organization=org),
        "short_count": sum(1 for s in standings if s.short > 0),
        "ancestors": visible_ancestors(org, request.user) + [org],
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
    })


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def meeting_docx(request, pk):
    """The meeting record as a Word document (会议记录), to print or file."""
    meeting = _meeting(request, pk)
    audit_log(actor=request.user, action="meeting.exported", obj=meeting, organization=meeting.organization)
    return _download(documents.meeting_record_docx(meeting), f"{documents.meeting_title(meeting)}.docx",
                     documents.DOCX_CONTENT_TYPE)


@login_required
@require_GET
def ledger_docx(request):
    """An organization's meeting ledger for a year (会议记录本), derived from the records."""
    require_subtree_view(request.user)
    org, year = chosen_organization(request), _year(request)
    audit_log(actor=request.user, action="ledger.exported", obj=org, organization=org, changes={"year": year})
    return _download(documents.meeting_ledger_docx(org, year), f"{org.name}{year}年会议记录本.docx",
                     documents.DOCX_CONTENT_TYPE)


@login_required
@require_GET
def study_xlsx(request):
    """The study-hours ledger of a subtree for a year, as a spreadsheet."""
    org, year = chosen_organization(request, "export"), _year(request)
    standings = selectors.study_standings(selectors.members_for_study(org).select_related("organization"), year,
                                          organization=org)
    audit_log(actor=request.user, action="study.exported", obj=org, organization=org,
              changes={"year": year, "count": len(standings)})
    return _download(documents.study_hours_xlsx(standings, year), f"{org.name}{year}年学时.xlsx", XLSX_CONTENT_TYPE)


@login_required
@require_GET
def attachment(request, pk):
    """A meeting's photo or file, for those who may see the meeting (never a public URL)."""
    item = get_object_or_404(MeetingAttachment.objects.select_related("meeting"), pk=pk)
    _meeting(request, item.meeting_id)
    return stored_file_response(item.file, filename=item.title or None)


@login_required
@require_GET
def calendar_page(request):
    """How to subscribe to one's meetings in a phone or desktop calendar."""
    url = request.build_absolute_uri(reverse("orglife:feed", args=[calendar.feed_token(request.user)]))
    return render(request, "orglife/calendar.html", {"nav": "meetings", "feed_url": url})


@require_GET
def feed(request, token):
    """The iCalendar feed of a user's meetings: from a month ago to half a year ahead."""
    user = calendar.feed_user(token)
    if user is None:
        raise Http404
    now = timezone.now()
    meetings = (Meeting.objects.restrict(user, "view").select_related("organization")
                .filter(starts_at__gte=now - datetime.timedelta(days=31), starts_at__lte=now + datetime.timedelta(days=183))
                .order_by("starts_at")[:500])
    body = calendar.ics(meetings, name=_("Meetings"), host=request.get_host())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
@require_GET
def courses(request):
    """The study library: courses published above and inside one's organizations."""
    items = Course.objects.restrict(request.user, "view").select_related("organization")
    finished = set(StudyRecord.objects.filter(member__user=request.user, course__isnull=False)
                   .values_list("course_id", flat=True))
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "orglife/courses.html", {
        "nav": "courses", "page_obj": page, "finished": finished, "is_member": bool(_my_member_id(request.user)),
        "can_publish": has_any_scope(request.user, "add"),
    })


def _my_member_id(user):
    return Member.objects.filter(user=user).values_list("pk", flat=True).first()


@login_required
def course_publish(request):
    if not has_any_scope(request.user, "add"):
        raise PermissionDenied
    form = CourseForm(request.POST or None, request.FILES or None, user=request.user)
    done = submit(request, form, lambda data: study_sources.course_publish(actor=request.user, **data),
                  message=_("The course is in the library."), next_url=reverse("orglife:courses"))
    return done or render(request, "orglife/simple_form.html", {
        "nav": "courses", "form": form, "title": _("Publish a course"), "submit": _("Publish"),
        "back": reverse("orglife:courses"), "multipart": True,
    })


@login_required
def course_finish(request, pk):
    """A member marks a course finished; its hours are credited once."""
    course = get_for(request.user, Course.objects, "view", pk=pk)
    if request.method != "POST":
        return redirect("orglife:courses")
    try:
        study_sources.course_finish(user=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(hours)s study hours are credited to you.") % {"hours": course.hours})
    return redirect("orglife:courses")


@login_required
@require_GET
def course_material(request, pk):
    course = get_for(request.user, Course.objects, "view", pk=pk)
    return stored_file_response(course.material)


@login_required
def notes(request):
    """Study notes (学习心得): a member hands theirs in; a secretary approves the pending ones."""
    form = StudyNoteForm(request.POST or None) if _my_member_id(request.user) else None
    if form is not None:
        done = submit(request, form, lambda data: study_sources.note_submit(user=request.user, **data),
                      message=_("Your note is handed in; the hours count once the secretary approves it."),
                      next_url=reverse("orglife:notes"))
        if done:
            return done
    pending = (StudyNote.objects.restrict(request.user, "change").filter(status=StudyNote.Status.PENDING)
               .select_related("member")[:100])
    mine = StudyNote.objects.filter(member__user=request.user)[:50]
    return render(request, "orglife/notes.html", {"nav": "notes", "form": form, "pending": pending, "mine": mine})


@login_required
def note_review(request, pk):
    note = get_for(request.user, StudyNote.objects.select_related("member"), "change", pk=pk)
    form = NoteReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            study_sources.note_review(actor=request.user, note=note, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    return redirect("orglife:notes")


@login_required
def home_delivery(request, pk):
    """Record study brought to a member's home (上门送学)."""
    member = get_for(request.user, Member.objects.without_protected(), "change", pk=pk)
    form = HomeDeliveryForm(request.POST or None)
    done = submit(request, form, lambda data: study_sources.home_delivery_record(actor=request.user, member=member, **data),
                  message=_("Saved."), next_url=reverse("members:detail", args=[member.pk]))
    return done or render(request, "orglife/simple_form.html", {
        "nav": "members", "form": form, "title": _("Study brought home to %(name)s") % {"name": member.name},
        "submit": _("Save"), "back": reverse("members:detail", args=[member.pk]),
    })


@login_required
def appraisals(request):
    """Member appraisals (民主评议) of the chosen organization's subtree; a branch starts its own here."""
    org = chosen_organization(request)
    items = (Appraisal.objects.restrict(request.user, "view").filter(organization__in=org.subtree().values("pk"))
             .select_related("organization"))
    can_open = org.org_type in BRANCH_TYPES and can(request.user, "change", org)
    if request.method == "POST":
        if not can_open:
            raise PermissionDenied
        try:
            appraisal = appraisal_services.appraisal_open(actor=request.user, organization=org, year=_year(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("orglife:appraisal", appraisal.pk)
    mine = AppraisalEntry.objects.filter(member__user=request.user).select_related("appraisal__organization")
    return render(request, "orglife/appraisals.html", {
        "nav": "appraisals", "org": org, "items": items[:100], "can_open": can_open, "mine": mine,
        "year": _year(request),
    })


@login_required
def appraisal_detail(request, pk):
    """One appraisal: self-reviews, vote tallies and grades, recorded in one form."""
    appraisal = get_for(request.user, Appraisal.objects.select_related("organization"), "view", pk=pk)
    can_change = can(request.user, "change", appraisal)
    entries = list(appraisal.entries.select_related("member"))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        rows = {e.pk: {f: request.POST.get(f"{f}-{e.pk}", "") for f in (*appraisal_services.VOTE_FIELDS, "grade",
                                                                          "decision_note")} for e in entries}
        try:
            appraisal_services.appraisal_record(actor=request.user, appraisal=appraisal, rows=rows)
            if request.POST.get("close"):
                appraisal_services.appraisal_close(actor=request.user, appraisal=appraisal)
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Saved."))
            return redirect("orglife:appraisal", appraisal.pk)
    return render(request, "orglife/appraisal.html", {
        "nav": "appraisals", "appraisal": appraisal, "entries": entries, "grades": Grade.choices,
        "can_change": can_change and appraisal.status == Appraisal.Status.OPEN,
        "ancestors": visible_ancestors(appraisal.organization, request.user) + [appraisal.organization],
    })


@login_required
def self_review(request, pk):
    """A member writes their self-review for an open appraisal."""
    entry = get_object_or_404(AppraisalEntry.objects.select_related("appraisal__organization", "member"), pk=pk,
                              member__user=request.user)
    form = SelfReviewForm(request.POST or None, initial={"self_review": entry.self_review})
    done = submit(request, form, lambda data: appraisal_services.self_review_submit(
        user=request.user, entry=entry, text=data["self_review"]),
        message=_("Your self-review is handed in."), next_url=reverse("orglife:appraisals"))
    return done or render(request, "orglife/simple_form.html", {
        "nav": "appraisals", "form": form, "title": _("My self-review for %(year)s") % {"year": entry.appraisal.year},
        "submit": _("Hand in"), "back": reverse("orglife:appraisals"),
    })


@login_required
def election_list(request):
    """Elections (换届选举) in the chosen organization's subtree; plan one for an organization in charge."""
    org = chosen_organization(request)
    items = (Election.objects.restrict(request.user, "view").filter(organization__in=org.subtree().values("pk"))
             .select_related("organization"))
    can_plan = can(request.user, "change", org) and org.org_type in BRANCH_TYPES
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        try:
            planned_on = datetime.date.fromisoformat(request.POST.get("planned_on", ""))
        except ValueError:
            messages.error(request, _("Enter the date of the election."))
        else:
            election = election_services.election_plan(actor=request.user, organization=org, planned_on=planned_on)
            return redirect("orglife:election", election.pk)
    return render(request, "orglife/elections.html", {"nav": "elections", "org": org, "items": items[:100],
                                                      "can_plan": can_plan})


@login_required
def election_detail(request, pk):
    """One election and the step it waits for: nominate, approve, vote, confirm."""
    election = get_for(request.user, Election.objects.select_related("organization"), "view", pk=pk)
    org = election.organization
    parent = Organization.objects.get_parent(org)
    may_run = can(request.user, "change", org)
    may_approve = parent is not None and can(request.user, "change", parent)
    members = org.members.filter(status="full").without_protected().order_by("name_pinyin")
    candidates = list(election.candidates.select_related("member", "post_kind"))
    if request.method == "POST":
        action, post = request.POST.get("action"), request.POST
        try:
            if action == "nominate" and may_run:
                pairs = [(members.get(pk=post[f"member-{i}"]), PostKind.objects.get(pk=post[f"kind-{i}"]))
                         for i in range(10) if post.get(f"member-{i}")]
                election_services.election_nominate(actor=request.user, election=election, candidates=pairs)
            elif action in ("approve", "return") and may_approve:
                election_services.election_review_candidates(actor=request.user, election=election,
                                                             approve=action == "approve", note=post.get("note", ""))
            elif action == "vote" and may_run:
                election_services.election_vote(
                    actor=request.user, election=election, voting_members=int(post.get("voting_members") or 0),
                    voters_present=int(post.get("voters_present") or 0),
                    votes={c.pk: int(post.get(f"votes-{c.pk}") or 0) for c in candidates})
            elif action == "confirm" and may_approve:
                election_services.election_confirm(actor=request.user, election=election, note=post.get("note", ""))
            elif action == "cancel" and may_run:
                election_services.election_cancel(actor=request.user, election=election, note=post.get("note", ""))
            else:
                raise PermissionDenied
        except (ValidationError, ValueError, Member.DoesNotExist, PostKind.DoesNotExist) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [_("Check the entries.")])))
        else:
            messages.success(request, _("Saved."))
        return redirect("orglife:election", election.pk)
    return render(request, "orglife/election.html", {
        "nav": "elections", "election": election, "candidates": candidates, "members": members,
        "kinds": PostKind.objects.filter(is_committee=True), "may_run": may_run, "may_approve": may_approve,
        "rows": range(max(election.seats + 2, 5)), "steps": election.steps.select_related("actor"),
        "ancestors": visible_ancestors(org, request.user) + [org],
    })
