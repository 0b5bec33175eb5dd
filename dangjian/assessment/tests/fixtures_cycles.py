"""Test data for assessment cycles: schemes copied from the shipped definitions, fake indicators,
fast paths through the review steps, and the sample objects of the authorization matrix."""
from __future__ import annotations

import copy
import datetime
import itertools
import zlib

import pytest

from dangjian.core.rules import RULES_DIR, load_pack_file
from dangjian.organizations.models import Organization

from ..choices import AssessmentAction, AssessmentStatus
from ..defaults import PACK_FILE, scheme_from_definition
from ..indicators import INDICATORS, Measure, indicator
from ..models import Assessment, CriterionResult, Scheme
from ..services_cycles import assessment_transition, cycle_open, scheme_steps

_codes = itertools.count(1)


def shipped_definition(code: str) -> dict:
    """A copy of a scheme definition of the shipped rule pack."""
    data = load_pack_file(RULES_DIR / PACK_FILE)
    return copy.deepcopy(next(d for d in data["schemes"] if d["code"] == code))


def judged_scheme(base: str, *, code: str | None = None, version: int = 1, evidence: str | None = "none",
                  indicator_code: str | None = None) -> Scheme:
    """A published copy of a shipped scheme whose criteria are all judged (no indicator) and, by default,
    need no evidence; with ``indicator_code``, the criteria measured in the shipped scheme are bound to it."""
    definition = shipped_definition(base)
    definition["code"] = code or f"{base}-t{next(_codes)}"
    definition["version"] = version
    for criterion in definition["criteria"]:
        if criterion.get("indicator"):
            if indicator_code:
                criterion["indicator"] = indicator_code
            else:
                criterion.pop("indicator")
                criterion.pop("threshold", None)
        if evidence is not None:
            criterion["evidence"] = evidence
    return scheme_from_definition(definition, source="test")


class FakeIndicator:
    """An indicator whose values the test sets per organization (None: no records)."""

    code = "test.fixed"

    def __init__(self):
        self.values: dict[int, object] = {}
        self.calls = 0

    def __call__(self, organization, start, end):
        self.calls += 1
        value = self.values.get(organization.pk)
        return Measure(value=value, records_url=f"/orglife/?org={organization.pk}&from={start}&to={end}")


@pytest.fixture
def fake_indicator():
    """Register the ``test.fixed`` indicator for one test and remove it afterwards."""
    fake = FakeIndicator()
    indicator(FakeIndicator.code, "test indicator")(fake)
    yield fake
    INDICATORS.pop(FakeIndicator.code, None)


def villages_under(town: Organization, count: int, *, prefix: str = "测试村") -> list[Organization]:
    """``count`` village branches under ``town`` (made once; codes unique per prefix)."""
    existing = list(Organization.objects.filter(path__startswith=town.path, name__startswith=prefix)
                    .order_by("code"))
    if len(existing) >= count:
        return existing[:count]
    from dangjian.organizations.choices import OrgType, UnitKind
    from dangjian.organizations.services import organization_create

    made = []
    for i in range(len(existing), count):
        made.append(organization_create(actor=None, parent=town, name=f"{prefix}{i + 1:02d}党支部",
                                        code=f"TST{zlib.crc32(prefix.encode()) % 10000:04d}{i + 1:03d}",
                                        org_type=OrgType.BRANCH, unit_kind=UnitKind.VILLAGE,
                                        on=datetime.date(2010, 1, 1)))
    return existing + made


def set_results(assessment: Assessment, met_by_code: dict[str, bool | None]) -> None:
    """Set the results of an assessment directly (bypassing the steps, for distribution tests)."""
    CriterionResult.objects.filter(assessment=assessment, criterion__code__in=list(met_by_code)).update(met=None)
    for code, met in met_by_code.items():
        CriterionResult.objects.filter(assessment=assessment, criterion__code=code).update(met=met)


def walk_to_approval(assessment: Assessment, actor=None) -> Assessment:
    """Submit through every step and approve (as the system or an actor who performs every step)."""
    steps = scheme_steps(assessment.cycle.scheme)
    for step in steps:
        if assessment.step != step.order:
            continue
        if assessment.notice_until:
            Assessment.objects.filter(pk=assessment.pk).update(notice_until=None)
            assessment.notice_until = None
        action = AssessmentAction.APPROVE if step.order == steps[-1].order else AssessmentAction.SUBMIT
        assessment = assessment_transition(actor=actor, assessment=assessment, action=action)
    assert assessment.status == AssessmentStatus.APPROVED
    return assessment


def matrix_samples(personas):
    """A tiering cycle run by 江滨街道工作委员会 over 滨河社区党委, its assessment and one judged result."""
    street = Organization.objects.get(name="中共临江市江滨街道工作委员会")
    community = Organization.objects.get(name="滨河社区党委")
    scheme = Scheme.objects.get(code="community-tiers", version=1)
    cycle = cycle_open(actor=None, scheme=scheme, organization=street, name="矩阵社区分类定级", year=2026,
                       period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 10, 31),
                       organizations=[community])
    assessment = cycle.assessments.get()
    result = assessment.results.filter(criterion__indicator="").order_by("criterion__order").first()
    return {"assessment_cycle": cycle, "assessment": assessment, "criterion_result": result}
