"""Figures of recruitment (发展党员): the pipeline on the day by stage, and the steps taken in the year.

A file's stage on a day is that of the highest step recorded as done on or before the day (the
stages and steps are those of the rule packs in force for the organization on the day); a file
whose full membership was approved by then has left the pipeline, and a file whose last status
change on or before the day stopped it counts as stopped. Files belong to the subtree through the
branch in charge of them, as recorded now.
"""
from __future__ import annotations

from collections import Counter

from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from dangjian.core.rules import RuleBook
from dangjian.recruitment.choices import (
    ACTIVIST,
    ADMISSION,
    APPLICATION,
    CANDIDATE,
    FULL_MEMBERSHIP,
    ApplicantStatus,
)
from dangjian.recruitment.models import Applicant, ApplicantTransition, RecruitmentStep
from dangjian.recruitment.pipeline import Pipeline, pipeline_for

from .base import Figure, Scope, Section
from .links import with_params

# Flows of the year: the step (by its code in the rule pack) whose date counts.
FLOWS = {
    "applied": APPLICATION,
    "activists": ACTIVIST,
    "candidates": CANDIDATE,
    "admitted": ADMISSION,
    "converted": FULL_MEMBERSHIP,
}


def pipeline(scope: Scope) -> Pipeline:
    """The pipeline in force for the root on the day."""
    return pipeline_for(scope.root, book=RuleBook(scope.on))


def files_on(scope: Scope):
    """The subtree's files, each with ``last_step`` (the highest step done on or before the day, None
    before the application) and ``status_on`` (its status after the last change on or before the
    day, None if it changed only later)."""
    last_step = (RecruitmentStep.objects.filter(applicant=OuterRef("pk"), done_on__lte=scope.on)
                 .order_by("-number").values("number")[:1])
    status_on = (ApplicantTransition.objects.filter(applicant=OuterRef("pk"), at__date__lte=scope.on)
                 .order_by("-at", "-id").values("to_status")[:1])
    return Applicant.objects.filter(scope.org_q()).annotate(last_step=Subquery(last_step),
                                                            status_on=Subquery(status_on))


def stock(scope: Scope, steps: Pipeline) -> dict:
    full = steps.number_of(FULL_MEMBERSHIP)
    by_stage, stopped = Counter(), 0
    rows = files_on(scope).order_by().values_list("last_step", "status_on").annotate(n=Count("id"))
    for last_step, status_on, n in rows:
        if last_step is None or last_step >= full:
            continue
        if status_on == ApplicantStatus.STOPPED:
            stopped += n
        else:
            by_stage[steps.stage_of(last_step)] += n
    stages = [code for code, _title in steps.stages]
    return {
        "in_pipeline": sum(by_stage[code] for code in stages),
        "by_stage": {code: by_stage[code] for code in stages},
        "stopped": stopped,
    }


def flows(scope: Scope, steps: Pipeline) -> dict:
    numbers = {name: steps.number_of(code) for name, code in FLOWS.items()}
    done = Counter(dict(
        RecruitmentStep.objects.filter(scope.org_q("applicant__organization"), number__in=numbers.values(),
                                       done_on__gte=scope.year_start, done_on__lte=scope.on)
        .order_by().values_list("number").annotate(n=Count("id"))
    ))
    return {name: done[number] for name, number in numbers.items()}


def compute(scope: Scope) -> dict:
    steps = pipeline(scope)
    return {**stock(scope, steps), **flows(scope, steps)}


def _stages():
    return dict(pipeline_for(None, book=RuleBook()).stages)


def _dashboard(status):
    def link(scope: Scope, key: str = "") -> str:
        return with_params("recruitment:dashboard", org=scope.root.pk, stage=key, status=status)
    return link


SECTION = Section(
    code="recruitment",
    label=_("Recruitment"),
    compute=compute,
    figures=[
        Figure("in_pipeline", _("In the recruitment pipeline"),
               _("Files of the subtree's branches that, on the day, had their application recorded, were not "
                 "stopped and had not yet had full membership approved."),
               _("Recruitment files, recorded steps, status changes."),
               records=_dashboard(ApplicantStatus.IN_PROGRESS)),
        Figure("by_stage", _("Pipeline by stage"),
               _("The same files by the stage of the highest step done on or before the day (applicants, activists, "
                 "development targets, admission, probationary members), as the rule pack defines the stages."),
               _("Recorded steps, rule packs."), keys=_stages, records=_dashboard(ApplicantStatus.IN_PROGRESS)),
        Figure("stopped", _("Files stopped"),
               _("Files whose last status change on or before the day stopped them, full membership not approved."),
               _("Status changes of the files."), records=_dashboard(ApplicantStatus.STOPPED)),
        Figure("applied", _("Applications received this year"),
               _("Applications (step 1) dated from the first of the year to the day."), _("Recorded steps.")),
        Figure("activists", _("Activists selected this year"),
               _("Files whose selection as activist (入党积极分子) is dated from the first of the year to the day."),
               _("Recorded steps.")),
        Figure("candidates", _("Development targets selected this year"),
               _("Files whose selection as development target (发展对象) is dated from the first of the year to the "
                 "day."), _("Recorded steps.")),
        Figure("admitted", _("Admitted this year"),
               _("Files whose admission as probationary member was approved by the committee above from the first "
                 "of the year to the day."), _("Recorded steps.")),
        Figure("converted", _("Full membership approved this year"),
               _("Files whose full membership (转正) was approved from the first of the year to the day."),
               _("Recorded steps.")),
    ],
)
