"""Pages of recruitment: the subtree dashboard, a person's file with its timeline, and one form per
real-world event (a step taken, a document kept, a notice given, probation extended…)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.access import can, get_for, has_any_scope
from dangjian.core.audit import history_for
from dangjian.core.files import stored_file_response
from dangjian.core.forms import submit
from dangjian.core.rules import RuleBook
from dangjian.core.workdays import WorkCalendar
from dangjian.organizations.choosing import chosen_organization
from dangjian.organizations.models import Organization
from dangjian.organizations.selectors import visible_ancestors

from . import selectors, services
from .choices import ADMISSION, FULL_MEMBER_STAGE, FULL_MEMBERSHIP, ApplicantStatus, NoticeOutcome
from .forms import (
    ApplicantForm,
    CancelProbationForm,
    ContactForm,
    CorrectForm,
    DocumentForm,
    EndForm,
    ExtendForm,
    NoteForm,
    NoticeCloseForm,
    NoticeStartForm,
    ReasonForm,
    StepForm,
)
from .models import PROTECTED_FIELDS, Applicant, ApplicantContact, PublicNotice, RecruitmentStep, StepDocument
from .pipeline import pipeline_for

PAGE_SIZE = 30


def applicant_url(applicant):
    return reverse("recruitment:detail", args=[applicant.pk])


def _applicant(request, pk, action="view"):
    queryset = Applicant.objects.without_protected().select_related("organization", "member")
    return get_for(request.user, queryset, action, pk=pk)


def _stage_label(pipeline, status, last_step):
    stage = selectors.stage_of(pipeline, status=status, last_step=last_step)
    return _("Full member") if stage == FULL_MEMBER_STAGE else pipeline.stage_title(stage)


def _crumbs(request, org):
    return visible_ancestors(org, request.user) + [org]


@login_required
@require_GET
def dashboard(request):
    """Recruitment in the chosen subtree: files by stage, warnings, and the list with filters."""
    org = chosen_organization(request)
    today = timezone.localdate()
    book, calendar = RuleBook(today), WorkCalendar()
    pipeline = pipeline_for(org, book=book)
    files = Applicant.objects.restrict(request.user, "view").filter(organization__path__startswith=org.path)
    stage, status = request.GET.get("stage", ""), request.GET.get("status", ApplicantStatus.IN_PROGRESS)
    branch, query = request.GET.get("branch", ""), request.GET.get("q", "").strip()
    listing = selectors.with_last_step(files)
    if stage:
        listing = selectors.filter_stage(listing, pipeline, stage)
    if status:
        listing = listing.filter(status=status)
    if branch.isdigit():
        listing = listing.filter(organization_id=int(branch))
    if query:
        listing = listing.filter(Q(name__contains=query) | Q(name_pinyin__startswith=query.lower())
                                 | Q(name_initials__startswith=query.lower()))
    listing = selectors.with_details(listing.order_by("name_pinyin", "pk")).defer(*PROTECTED_FIELDS)
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.timelines(page.object_list, today=today, calendar=calendar, book=book)
    items = []
    for applicant in page.object_list:
        timeline = rows[applicant.pk]
        items.append({"applicant": applicant, "next": selectors.next_row(timeline),
                      "stage": _stage_label(pipeline, applicant.status, applicant.last_step),
                      "done": sum(1 for r in timeline if r.record is not None)})
    alerts = selectors.warnings(files, today=today, calendar=calendar, book=book)
    return render(request, "recruitment/dashboard.html", {
        "nav": "recruitment", "org": org, "ancestors": _crumbs(request, org), "cards": selectors.stage_counts(files, pipeline),
        "alerts": alerts[:50], "alert_count": len(alerts), "page_obj": page, "items": items, "today": today,
        "stages": selectors.stage_choices(pipeline), "statuses": ApplicantStatus.choices, "stage": stage,
        "status": status, "branch": branch, "q": query, "total_steps": len(pipeline.steps),
        "branches": Organization.objects.filter(pk__in=files.values("organization")).order_by(Length("path"), "path"),
        "can_add": can(request.user, "add", org),
    })


@login_required
def create(request):
    """Register an application (step 1) and open the person's file."""
    if not has_any_scope(request.user, "add"):
        raise PermissionDenied
    org = chosen_organization(request, "add")
    form = ApplicantForm(request.POST or None)
    done = submit(request, form, lambda data: services.applicant_create(
        actor=request.user, organization=org, applied_on=data.pop("applied_on"), actors=data.pop("actors", ""),
        data=data), message=lambda a: _("The application of %(name)s is registered.") % {"name": a.name},
        next_url=applicant_url)
    return done or render(request, "recruitment/form.html", {
        "nav": "recruitment", "form": form, "ancestors": _crumbs(request, org),
        "title": _("Register an application to %(org)s") % {"org": org.name}, "submit": _("Register"),
        "back": reverse("recruitment:dashboard") + f"?org={org.pk}",
        "intro": _("Enter the person's data once: on admission it becomes their member record with no retyping."),
    })


def _sections(pipeline, rows):
    """Timeline rows under headings: the local groups where a local pack groups the steps, else
    the national stages (each step keeps its national number and title)."""
    sections = []
    for row in rows:
        title = row.step.group or pipeline.stage_title(row.step.stage)
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "rows": [], "local": bool(row.step.group)})
        sections[-1]["rows"].append(row)
    return sections


@login_required
@require_GET
def detail(request, pk):
    """A person's file: the timeline of the 25 steps with computed dates, contacts, notices, log."""
    applicant = _applicant(request, pk)
    prefetch_related_objects([applicant], "notices", "documents", Prefetch(
        "steps", queryset=RecruitmentStep.objects.select_related("approving_organization")), Prefetch(
        "contacts", queryset=ApplicantContact.objects.select_related("member").defer(
            *[f"member__{f}" for f in PROTECTED_FIELDS])))
    today = timezone.localdate()
    book, calendar = RuleBook(today), WorkCalendar()
    pipeline = pipeline_for(applicant.organization, book=book)
    rows = selectors.timeline(applicant, calendar=calendar, book=book, today=today, pipeline=pipeline)
    documents: dict[int, list] = {}
    for document in applicant.documents.all():
        documents.setdefault(document.step_number, []).append(document)
    for row in rows:
        row.documents = documents.get(row.number, [])
        row.stage_title = pipeline.stage_title(row.step.stage)
    can_change = can(request.user, "change", applicant)
    actionable = [r for r in rows if r.status in (selectors.DUE, selectors.OVERDUE)]
    first = actionable[0] if actionable and can_change else None
    dates = {r.number: r.done_on for r in rows if r.record is not None}
    admitted = pipeline.number_of(ADMISSION) in dates
    full = pipeline.number_of(FULL_MEMBERSHIP) in dates
    last = max(dates) if dates else None
    return render(request, "recruitment/detail.html", {
        "nav": "recruitment", "applicant": applicant, "ancestors": _crumbs(request, applicant.organization),
        "sections": _sections(pipeline, rows), "pipeline": pipeline, "today": today,
        "stage_title": _stage_label(pipeline, applicant.status, last),
        "probation_end": selectors.probation_end(pipeline, dates, applicant.probation_extension_months),
        "admitted": admitted, "full": full,
        "contacts": applicant.contacts.all(), "notices": applicant.notices.all(),
        "transitions": applicant.transitions.select_related("actor"), "history": history_for(applicant)[:30],
        "can_change": can_change, "can_transition": can(request.user, "transition", applicant),
        "first": first, "first_form": StepForm(applicant=applicant, step=first.step, pipeline=pipeline) if first else None,
        "actionable": actionable, "notice_rules": pipeline.notices,
        "pending_notice": next((n for n in applicant.notices.all() if n.outcome == NoticeOutcome.PENDING), None),
        "protected": [(f, Applicant._meta.get_field(f).verbose_name, getattr(applicant, f"{f}_masked"))
                      for f in PROTECTED_FIELDS],
        "done_count": len(dates), "total_steps": len(pipeline.steps),
    })


@login_required
def edit(request, pk):
    """Correct the person's data (before admission; afterwards the member record holds it)."""
    applicant = _applicant(request, pk, "change")
    form = ApplicantForm(request.POST or None, instance=applicant)
    done = submit(request, form, lambda data: services.applicant_update(actor=request.user, applicant=applicant,
                                                                           data=data),
                  message=_("Saved."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Correct the data of %(name)s") % {"name": applicant.name},
                              _("Save"))


def _form_page(request, applicant, form, title, submit_label, *, multipart=False, intro="", extra=None):
    return render(request, "recruitment/form.html", {
        "nav": "recruitment", "form": form, "applicant": applicant, "title": title, "submit": submit_label,
        "back": applicant_url(applicant), "multipart": multipart, "intro": intro,
        "ancestors": _crumbs(request, applicant.organization), **(extra or {}),
    })


@login_required
def step(request, pk, number):
    """Record one step: the form asks for what the step needs and shows its dates and conditions."""
    applicant = _applicant(request, pk, "change")
    today = timezone.localdate()
    book, calendar = RuleBook(today), WorkCalendar()
    pipeline = pipeline_for(applicant.organization, book=book)
    if number not in pipeline.steps:
        raise Http404
    row = next(r for r in selectors.timeline(applicant, calendar=calendar, book=book, today=today, pipeline=pipeline)
               if r.number == number)
    form = StepForm(request.POST or None, applicant=applicant, step=row.step, pipeline=pipeline)

    def record(data):
        if "contacts" in data:
            data["contacts"] = list(data["contacts"])
        return services.step_record(actor=request.user, applicant=applicant, number=number, calendar=calendar, **data)

    def message(result):
        if row.step.code == ADMISSION and applicant.member_id:
            return _("Step %(n)d is recorded: %(name)s is a probationary member on the register now.") % {
                "n": number, "name": applicant.name}
        if row.step.code == FULL_MEMBERSHIP:
            return _("Step %(n)d is recorded: %(name)s is a full member now.") % {"n": number, "name": applicant.name}
        return _("Step %(n)d is recorded.") % {"n": number}

    done = submit(request, form, record, message=message, next_url=applicant_url(applicant))
    return done or render(request, "recruitment/step.html", {
        "nav": "recruitment", "applicant": applicant, "row": row, "form": form, "pipeline": pipeline,
        "stage_title": pipeline.stage_title(row.step.stage), "ancestors": _crumbs(request, applicant.organization),
    })


@login_required
def step_correct(request, pk):
    """Correct the date of a recorded step, with the reason (audited)."""
    record = get_object_or_404(RecruitmentStep.objects.only("pk", "applicant_id"), pk=pk)
    applicant = _applicant(request, record.applicant_id, "change")
    record = RecruitmentStep.objects.select_related("applicant__organization", "applicant__member").get(pk=pk)
    pipeline = pipeline_for(applicant.organization)
    form = CorrectForm(request.POST or None, initial={"done_on": record.done_on})
    done = submit(request, form, lambda data: services.step_correct(actor=request.user, step=record, **data),
                  message=_("The date is corrected."), next_url=applicant_url(applicant))
    title = pipeline.steps[record.number].title if record.number in pipeline.steps else ""
    return done or _form_page(request, applicant, form, _("Correct the date of step %(n)d %(title)s")
                              % {"n": record.number, "title": title}, _("Correct"),
                              intro=_("Recorded on %(date)s. Later steps must still keep to the rules with the new date.")
                              % {"date": record.done_on})


@login_required
def document_add(request, pk):
    applicant = _applicant(request, pk, "change")
    pipeline = pipeline_for(applicant.organization)
    initial = {"step_number": request.GET.get("step", "")}
    form = DocumentForm(request.POST or None, request.FILES or None, pipeline=pipeline, initial=initial)
    done = submit(request, form, lambda data: services.document_add(
        actor=request.user, applicant=applicant, step_number=data["step_number"], title=data["title"],
        upload=data["file"]), message=_("The document is kept with the file."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Keep a document for %(name)s") % {"name": applicant.name},
                              _("Upload"), multipart=True)


@login_required
@require_GET
def document(request, pk):
    """A kept document, for those who may see the file (never a public URL)."""
    item = get_object_or_404(StepDocument, pk=pk)
    _applicant(request, item.applicant_id)
    return stored_file_response(item.file)


@login_required
def contact_add(request, pk):
    applicant = _applicant(request, pk, "change")
    form = ContactForm(request.POST or None, applicant=applicant, initial={"role": request.GET.get("role", "mentor")})
    done = submit(request, form, lambda data: services.contact_assign(actor=request.user, applicant=applicant, **data),
                  message=_("Saved."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Name a mentor or sponsor for %(name)s") % {"name": applicant.name},
                              _("Save"))


@login_required
def contact_end(request, pk):
    contact = get_object_or_404(ApplicantContact.objects.select_related("member"), pk=pk)
    applicant = _applicant(request, contact.applicant_id, "change")
    contact.applicant = applicant
    form = EndForm(request.POST or None)
    done = submit(request, form, lambda data: services.contact_end(actor=request.user, contact=contact, **data),
                  message=_("Saved."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("%(role)s %(name)s ends") % {
        "role": contact.get_role_display(), "name": contact.member.name}, _("Save"))


@login_required
def notice_start(request, pk):
    """Give public notice (公示) before a step."""
    applicant = _applicant(request, pk, "change")
    pipeline = pipeline_for(applicant.organization)
    form = NoticeStartForm(request.POST or None, pipeline=pipeline, initial={"before_step": request.GET.get("step", "")})
    done = submit(request, form, lambda data: services.public_notice_start(actor=request.user, applicant=applicant, **data),
                  message=lambda n: _("The public notice runs from %(start)s to %(end)s%(mark)s.") % {
                      "start": n.starts_on, "end": n.ends_on, "mark": _(" (provisional)") if n.provisional else ""},
                  next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Public notice for %(name)s") % {"name": applicant.name},
                              _("Begin the notice"))


@login_required
def notice_close(request, pk):
    notice = get_object_or_404(PublicNotice, pk=pk)
    applicant = _applicant(request, notice.applicant_id, "change")
    notice.applicant = applicant
    form = NoticeCloseForm(request.POST or None)
    done = submit(request, form, lambda data: services.public_notice_close(actor=request.user, notice=notice, **data),
                  message=_("The outcome of the public notice is recorded."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Outcome of the public notice for %(name)s") % {
        "name": applicant.name}, _("Save"), intro=_("Notice from %(start)s to %(end)s.") % {
        "start": notice.starts_on, "end": notice.ends_on})


@login_required
def extend(request, pk):
    """The branch general meeting extends probation instead of admitting to full membership."""
    applicant = _applicant(request, pk, "transition")
    pipeline = pipeline_for(applicant.organization)
    form = ExtendForm(request.POST or None, initial={"months": pipeline.value("extension_min_months")})
    form.fields["months"].help_text = _("%(min)s to %(max)s months (rule %(version)s).") % {
        "min": pipeline.value("extension_min_months"), "max": pipeline.value("extension_max_months"),
        "version": pipeline.version_of("extension_min_months")}
    done = submit(request, form, lambda data: services.probation_extend(actor=request.user, applicant=applicant, **data),
                  message=_("Probation is extended."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Extend the probation of %(name)s") % {"name": applicant.name},
                              _("Extend"))


@login_required
def cancel_probation(request, pk):
    applicant = _applicant(request, pk, "transition")
    form = CancelProbationForm(request.POST or None)
    done = submit(request, form, lambda data: services.probation_cancel(actor=request.user, applicant=applicant, **data),
                  message=_("The probation is cancelled."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Cancel the probation of %(name)s") % {"name": applicant.name},
                              _("Cancel the probation"),
                              intro=_("The member's standing as a probationary member ends and the file stops."))


@login_required
def stop(request, pk):
    applicant = _applicant(request, pk, "transition")
    form = ReasonForm(request.POST or None)
    done = submit(request, form, lambda data: services.applicant_stop(actor=request.user, applicant=applicant, **data),
                  message=_("The file is stopped."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Stop the file of %(name)s") % {"name": applicant.name},
                              _("Stop"), intro=_("A stopped file keeps everything recorded and can be resumed."))


@login_required
def resume(request, pk):
    applicant = _applicant(request, pk, "transition")
    form = NoteForm(request.POST or None)
    done = submit(request, form, lambda data: services.applicant_resume(actor=request.user, applicant=applicant, **data),
                  message=_("The file is resumed."), next_url=applicant_url(applicant))
    return done or _form_page(request, applicant, form, _("Resume the file of %(name)s") % {"name": applicant.name},
                              _("Resume"))
