"""Demo assessment cycles, built through the cycle services as the demo's organizers would.

* 青山镇: the city's star rating (十星) of its three villages for 2025 (approved: 一般, 一般, 后进 by a veto
  item) and 2026 (in progress: one village in public notice, one returned, one approved and turned around).
* 江滨街道: the city's community tiering (分类定级) of its six communities for 2025 (approved) and 2026 (mixed
  steps, with targets defaulted from 2025, movements and the rectification tasks of the approved ones), and
  the street's own 六个有 checklist for 2026 over three communities, with record links as evidence.

Measured criteria are measured by the services from the demo's records; where the demo holds no records
for the period they count as not met. Needs the demo city and the ``city`` and ``organizer`` personas.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.organizations.models import Organization

from .choices import AssessmentAction, EvidenceKind, SchemeStatus, Verdict
from .models import Assessment, Cycle, Scheme
from .selectors_cycles import eligible_organizations
from .services_cycles import (
    assessment_transition,
    current_step,
    cycle_close,
    cycle_open,
    evidence_add,
    result_record,
    result_review,
    scheme_steps,
)

A = AssessmentAction
CITY, TOWN, STREET = "中共临江市委员会", "中共临江市青山镇委员会", "中共临江市江滨街道工作委员会"
RESIDENTIAL = "江滨街道居民区党委"


@dataclass(frozen=True)
class Plan:
    """What one organization's assessment looks like: how many judged criteria it meets, whether a veto
    item is triggered, how far it walks, and a return (with its reason) at the end."""

    met: int
    veto: bool = False
    step: int = 0  # the review step it ends at
    approve: bool = False
    returned: str = ""  # a return from the step it reached, with this reason
    partial: bool = False  # only part of the criteria recorded (still at its own step)


def _scheme(code: str) -> Scheme:
    return Scheme.objects.filter(code=code, status=SchemeStatus.PUBLISHED).order_by("-version").first()


def _record_link(org: Organization, criterion) -> str:
    if criterion.code in ("organization_life", "rules", "mechanism"):
        return f"/orglife/meetings/?org={org.pk}"
    if criterion.code in ("service", "team"):
        return "/volunteers/"
    return f"/orgs/{org.pk}/"


def _fill(actor, assessment: Assessment, plan: Plan, rng: random.Random) -> None:
    """Record the assessed organization's own findings, with a record link as evidence for each met one."""
    results = list(assessment.results.select_related("criterion"))
    judged = [r for r in results if not r.criterion.measured and not r.criterion.is_veto]
    vetoes = [r for r in results if r.criterion.is_veto and not r.criterion.measured]
    met = set(r.pk for r in rng.sample(judged, min(plan.met, len(judged))))
    if plan.partial:
        judged = judged[: max(1, len(judged) * 2 // 3)]
        vetoes = []
    for result in judged:
        ok = result.pk in met
        result_record(actor=actor, result=result, met=ok, note="" if ok else "本年度未达到要求，已列入整改。")
        if ok and result.criterion.evidence != EvidenceKind.NONE:
            evidence_add(actor=actor, result=result, kind=EvidenceKind.RECORD,
                         record_url=_record_link(assessment.organization, result.criterion),
                         caption=f"{result.criterion.name}台账")
    for index, result in enumerate(vetoes):
        triggered = plan.veto and index == 0
        result_record(actor=actor, result=result, met=not triggered,
                      note="年内发生，经核实属实。" if triggered else "")


def _review(actor, assessment: Assessment) -> None:
    """A reviewer accepts the criteria recorded as met (once, at the first review step)."""
    for result in assessment.results.select_related("criterion").filter(met=True, verdict=Verdict.PENDING):
        result_review(actor=actor, result=result, verdict=Verdict.ACCEPTED)


def _walk(actor, assessment: Assessment, plan: Plan, today: datetime.date) -> None:
    steps = scheme_steps(assessment.cycle.scheme)
    last = steps[-1].order
    reviewed = False
    target = last if plan.approve else plan.step
    while assessment.step < target:
        step = current_step(assessment)
        if step.notice_days and assessment.notice_until and assessment.notice_until > today:
            # The public notice of a past rating has run its days: end it today.
            Assessment.objects.filter(pk=assessment.pk).update(notice_until=today)
            assessment.notice_until = today
        assessment_transition(actor=actor, assessment=assessment, action=A.SUBMIT,
                              note="材料齐全，同意报送。" if step.performer != "self" else "")
        if not reviewed and current_step(assessment).performer != "self":
            _review(actor, assessment)
            reviewed = True
    if plan.approve:
        step = current_step(assessment)
        if step.notice_days and assessment.notice_until and assessment.notice_until > today:
            Assessment.objects.filter(pk=assessment.pk).update(notice_until=today)
            assessment.notice_until = today
        assessment_transition(actor=actor, assessment=assessment, action=A.APPROVE, note="经审核，同意评定结果。")
    elif plan.returned:
        assessment_transition(actor=actor, assessment=assessment, action=A.RETURN, note=plan.returned)


def _cycle(actor, *, scheme: Scheme, run_by: Organization, year: int, orgs, plans, rng, today) -> Cycle:
    cycle = cycle_open(actor=actor, scheme=scheme, organization=run_by, name=f"{year}年度{scheme.name}", year=year,
                       period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                       organizations=orgs)
    by_org = {a.organization_id: a for a in cycle.assessments.select_related("cycle__scheme", "cycle__organization",
                                                                              "organization")}
    for org, plan in zip(orgs, plans, strict=True):
        if plan is None:
            continue
        assessment = by_org[org.pk]
        _fill(actor, assessment, plan, rng)
        _walk(actor, assessment, plan, today)
    return cycle


def build_demo(seed: int = 1) -> list[Cycle]:
    """Build the demo cycles once (nothing is added when the city's star cycles exist already)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    city = Organization.objects.get(name=CITY)
    if Cycle.objects.filter(organization=city, scheme__code="village-stars").exists():
        return []
    users = {u.username: u for u in User.objects.filter(username__in=["city", "organizer"])}
    city_user, organizer = users.get("city"), users.get("organizer") or users.get("city")
    town, street = Organization.objects.get(name=TOWN), Organization.objects.get(name=STREET)
    stars, tiers, liu = _scheme("village-stars"), _scheme("community-tiers"), _scheme("liu-ge-you")
    villages = eligible_organizations(town, stars)
    communities = eligible_organizations(Organization.objects.get(name=RESIDENTIAL), tiers)
    cycles = []
    with transaction.atomic():
        # 星级管理: 2025 approved (two 一般, one 后进 through a veto item); 2026 in progress.
        cycles.append(_cycle(city_user, scheme=stars, run_by=city, year=2025, orgs=villages, rng=rng, today=today,
                             plans=[Plan(6, approve=True), Plan(5, approve=True), Plan(5, veto=True, approve=True)]))
        cycles.append(_cycle(city_user, scheme=stars, run_by=city, year=2026, orgs=villages, rng=rng, today=today,
                             plans=[Plan(6, step=3), Plan(4, step=2, returned="阵地建设星缺少活动室照片，请补充后重新上报。"),
                                    Plan(6, approve=True)]))
        # 分类定级: 2025 approved; 2026 with targets one tier up, at mixed steps.
        cycles.append(_cycle(city_user, scheme=tiers, run_by=city, year=2025, orgs=communities, rng=rng, today=today,
                             plans=[Plan(5 - i % 3, approve=True) for i in range(len(communities))]))
        mixed = [Plan(5, approve=True), Plan(3, approve=True), Plan(4, step=1), Plan(5, step=2),
                 Plan(2, step=1, returned="有一笔固定经费的证明材料不全，请补充。"), Plan(3, partial=True)]
        cycles.append(_cycle(city_user, scheme=tiers, run_by=city, year=2026, orgs=communities, rng=rng, today=today,
                             plans=(mixed * 2)[:len(communities)]))
        for cycle in cycles:
            if cycle.year == 2025:
                cycle_close(actor=city_user, cycle=cycle)
        # 六个有: the street checks three communities.
        cycles.append(_cycle(organizer, scheme=liu, run_by=street, year=2026, orgs=communities[:3], rng=rng,
                             today=today, plans=[Plan(6, step=1), Plan(5, approve=True), Plan(6, partial=True)]))
    return cycles
