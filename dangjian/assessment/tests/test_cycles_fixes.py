"""Review findings on cycles (R1): a verdict gives back the assessed side's own finding, approval waits
for measuring, steps re-checked under the row lock, evidence files checked by content, one way to
format values and to compute movements."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from dangjian.assessment import indicators
from dangjian.assessment.choices import AssessmentAction as A
from dangjian.assessment.choices import AssessmentStatus, EvidenceKind, Movement, Verdict
from dangjian.assessment.models import Assessment, CriterionResult, Evidence
from dangjian.assessment.selectors_cycles import movements
from dangjian.assessment.services_cycles import (
    assessment_transition,
    cycle_measure,
    cycle_open,
    evidence_add,
    result_record,
    result_review,
)
from dangjian.assessment.views.cycles_support import measured_text, threshold_text
from dangjian.core.numbers import percent
from dangjian.organizations.models import Organization

from .fixtures_cycles import FakeIndicator, fake_indicator, judged_scheme, villages_under, walk_to_approval

__all__ = ["fake_indicator"]

pytestmark = pytest.mark.django_db
PERIOD = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 10, 31)}


def fresh(assessment):
    return Assessment.objects.select_related("cycle__scheme", "cycle__organization", "organization").get(
        pk=assessment.pk)


def results_of(assessment):
    return {r.criterion.code: r for r in CriterionResult.objects.filter(assessment=assessment).select_related("criterion")}


@pytest.fixture
def village(personas, org):
    """A judged star cycle (no evidence needed) run by the city over 青山村, every criterion recorded met."""
    village = Organization.objects.get(name="青山村党支部")
    cycle = cycle_open(actor=personas["city"], scheme=judged_scheme("village-stars"), organization=org["city"],
                       name="2026年度星级评定", year=2026, organizations=[village], **PERIOD)
    assessment = cycle.assessments.get()
    for result in results_of(assessment).values():
        result_record(actor=None, result=result, met=True)
    return fresh(assessment)


def to_review(assessment) -> Assessment:
    """Submit the assessed side's two steps: the town's review step is next."""
    assessment = assessment_transition(actor=None, assessment=assessment, action=A.SUBMIT)
    assessment_transition(actor=None, assessment=fresh(assessment), action=A.SUBMIT)
    return fresh(assessment)


# 1. A rejection then an acceptance --------------------------------------------------------------------

def test_accepting_after_a_rejection_gives_back_the_assessed_sides_finding(village, personas):
    assessment = to_review(village)
    stars, grade = assessment.stars, assessment.grade
    economy = results_of(assessment)["economy"]
    assert (economy.self_met, economy.met) == (True, True)

    result_review(actor=personas["city"], result=economy, verdict=Verdict.REJECTED, note="台账不全")
    economy.refresh_from_db()
    assert (economy.self_met, economy.met) == (True, False)
    assert fresh(assessment).stars == stars - 1

    result_review(actor=personas["city"], result=results_of(assessment)["economy"], verdict=Verdict.ACCEPTED)
    economy.refresh_from_db()
    assert (economy.self_met, economy.met, economy.verdict) == (True, True, Verdict.ACCEPTED)
    assert (fresh(assessment).stars, fresh(assessment).grade) == (stars, grade)


def test_accepting_a_finding_of_not_met_keeps_it_unmet(village, personas):
    result_record(actor=None, result=results_of(village)["economy"], met=False, note="收入未达标")
    assessment = to_review(fresh(village))
    economy = results_of(assessment)["economy"]
    result_review(actor=personas["city"], result=economy, verdict=Verdict.ACCEPTED)
    economy.refresh_from_db()
    assert (economy.self_met, economy.met) == (False, False)


# 5. Approval waits for the background measuring ------------------------------------------------------

def test_approval_waits_until_the_measured_criteria_are_measured(personas, org, fake_indicator):
    village = Organization.objects.get(name="石桥村党支部")
    fake_indicator.values[village.pk] = Decimal("0.95")
    scheme = judged_scheme("village-stars", indicator_code=FakeIndicator.code)
    cycle = cycle_open(actor=personas["city"], scheme=scheme, organization=org["town"], name="青山镇星级", year=2026,
                       organizations=[village], **PERIOD)
    assessment = cycle.assessments.get()
    for result in results_of(assessment).values():
        if not result.criterion.measured:
            result_record(actor=None, result=result, met=True)
    # As if the cycle were over many organizations: the worker has not measured yet.
    CriterionResult.objects.filter(assessment=assessment).exclude(criterion__indicator="").update(
        measured_at=None, met=None, value=None)
    with pytest.raises(ValidationError) as exc:
        walk_to_approval(fresh(assessment))
    assert exc.value.error_list[0].code == "measuring"
    assessment = fresh(assessment)
    assert assessment.status != AssessmentStatus.APPROVED
    cycle_measure(actor=None, cycle=cycle)
    assert walk_to_approval(fresh(assessment)).status == AssessmentStatus.APPROVED


# 6. Re-checked under the lock ------------------------------------------------------------------------

def test_a_stale_page_cannot_record_once_the_assessment_moved_on(village, personas):
    stale = results_of(village)["economy"]
    assert stale.assessment.step == 0  # loaded before the submission below
    to_review(fresh(village))
    with pytest.raises(ValidationError):
        result_record(actor=personas["city"], result=stale, met=False)
    with pytest.raises(ValidationError):
        evidence_add(actor=personas["city"], result=stale, kind=EvidenceKind.RECORD, record_url="/orglife/")
    stale.refresh_from_db()
    assert stale.self_met is True and not stale.evidence.exists()


def test_a_stale_page_cannot_give_a_verdict_once_the_assessment_was_returned(village, personas):
    assessment = to_review(village)
    stale = results_of(assessment)["economy"]
    assert stale.assessment.step == 2
    assessment_transition(actor=None, assessment=fresh(assessment), action=A.RETURN, note="补充材料")
    with pytest.raises(ValidationError):
        result_review(actor=personas["city"], result=stale, verdict=Verdict.REJECTED, note="不符合")
    stale.refresh_from_db()
    assert (stale.verdict, stale.met) == (Verdict.PENDING, True)


# 4. Evidence files --------------------------------------------------------------------------------

def _png_with_exif() -> bytes:
    image = Image.new("RGB", (20, 20), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_evidence_files_are_checked_by_content_and_photos_re_encoded(village, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = results_of(village)["economy"]
    with pytest.raises(ValidationError) as exc:
        evidence_add(actor=None, result=result, kind=EvidenceKind.FILE,
                     file=SimpleUploadedFile("账本.pdf", b"MZ\x90\x00 not a pdf"))
    assert exc.value.error_dict["file"][0].code == "evidence_file_content"
    photo = evidence_add(actor=None, result=result, kind=EvidenceKind.FILE,
                         file=SimpleUploadedFile("现场.jpg", _png_with_exif()))
    with open(photo.file.path, "rb") as fh:
        assert b"SecretCam" not in fh.read()
    assert photo.caption == "现场.jpg"


def test_a_file_downloads_with_the_stored_extension(client_for, personas, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = Organization.objects.get(name="滨河社区党委")
    cycle = cycle_open(actor=personas["organizer"], scheme=judged_scheme("liu-ge-you", evidence=None),
                       organization=org["street"], name="下载测试", year=2026, organizations=[community], **PERIOD)
    result = cycle.assessments.get().results.filter(criterion__indicator="").first()
    evidence = evidence_add(actor=None, result=result, kind=EvidenceKind.FILE, caption="制度汇编",
                            file=SimpleUploadedFile("x.docx", b"PK\x03\x04 docx"))
    response = client_for("community").get(f"/assessment/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert "制度汇编.docx" in response["Content-Disposition"] or "%E5%88%B6%E5%BA%A6%E6%B1%87%E7%BC%96.docx" in \
        response["Content-Disposition"]
    assert Evidence.objects.get(pk=evidence.pk).caption == "制度汇编"


def test_the_evidence_input_accepts_the_allowed_types(client_for, personas, org):
    community = Organization.objects.get(name="滨河社区党委")
    cycle = cycle_open(actor=personas["organizer"], scheme=judged_scheme("liu-ge-you", evidence=None),
                       organization=org["street"], name="类型测试", year=2026, organizations=[community], **PERIOD)
    page = client_for("community").get(f"/assessment/a/{cycle.assessments.get().pk}/").content.decode()
    assert 'accept="image/*,.pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"' in page


# 3. Values as people read them ---------------------------------------------------------------------

def test_values_are_written_without_an_exponent():
    assert indicators.value_text("hours", Decimal("10.0000")) == "10 小时"
    assert indicators.value_text("hours", Decimal("2.5")) == "2.5 小时"
    assert indicators.value_text("hours", Decimal("100")) == "100 小时"
    assert indicators.value_text("ratio", Decimal("0.46")) == "46.0%"
    assert indicators.value_text("ratio", Decimal("1")) == "100.0%"
    assert indicators.value_text("ratio", None) == "—"


def test_measured_and_threshold_texts_follow_the_indicators_unit():
    class Hours:
        indicator, threshold = "volunteers.hours_per_member", Decimal("10.0000")

    class Rate:
        indicator, threshold = "orglife.meeting_compliance", Decimal("0.9000")

    assert indicators.INDICATORS[Hours.indicator].unit == "hours"
    assert threshold_text(Hours) == "10 小时"
    assert measured_text(Hours, Decimal("2.5000")) == "2.5 小时"
    assert threshold_text(Rate) == "90.0%"
    assert measured_text(Rate, None) not in ("", "—")  # "no records in the period"


def test_percent_helper():
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 0) is None


# 2./7. Movements -----------------------------------------------------------------------------------

@pytest.fixture
def two_years(personas, org):
    """Three new villages rated in 2025 and twice in 2026 (the second 2026 cycle: a re-rating)."""
    villages = villages_under(org["town"], 3, prefix="升降村")
    scheme = judged_scheme("village-stars")
    codes = [c.code for c in scheme.criteria.filter(is_veto=False).order_by("order")]

    def rate(year, name, stars):
        cycle = cycle_open(actor=None, scheme=scheme, organization=org["city"], name=name, year=year,
                           organizations=villages, **({"period_start": datetime.date(year, 1, 1),
                                                       "period_end": datetime.date(year, 12, 31)}))
        for assessment, count in zip(cycle.assessments.order_by("organization__path"), stars, strict=True):
            for code, result in results_of(assessment).items():
                result_record(actor=None, result=result, met=code not in codes or codes.index(code) < count)
            walk_to_approval(fresh(assessment))
        return cycle

    return villages, rate(2025, "2025评定", [9, 6, 3]), rate(2026, "2026评定", [9, 9, 3]), \
        rate(2026, "2026复评", [6, 9, 9])


def test_org_history_shows_the_movements_of_the_cycle_page(client_for, two_years):
    villages, first, second, third = two_years
    for village in villages:
        rows = client_for("city").get(f"/assessment/orgs/{village.pk}/history/").context["rows"]
        by_cycle = {r.cycle.pk: r.movement for r in rows}
        for cycle in (first, second, third):
            assessment = cycle.assessments.get(organization=village)
            assert by_cycle[cycle.pk] == movements(cycle)[assessment.pk]
    # The re-rating of 2026 is compared with 2025 (一般 → 先进), not with the other 2026 rating (先进).
    rows = client_for("city").get(f"/assessment/orgs/{villages[1].pk}/history/").context["rows"]
    assert {r.cycle.pk: r.movement for r in rows}[third.pk] == Movement.PROMOTED


def test_the_cycle_page_computes_movements_once(client_for, two_years):
    villages, first, second, third = two_years
    client = client_for("city")
    client.get(f"/assessment/cycles/{second.pk}/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/assessment/cycles/{second.pk}/")
    assert sum('"low_rank"' in q["sql"] for q in queries.captured_queries) == 1
    counts = {code: count for code, _label, count, _icon in page.context["movements"]}
    assert counts[Movement.PROMOTED] == 1 and counts[Movement.SAME] == 2
    assert 'data-save-label="保存为图片"' in page.content.decode()
    assert page.context["chart"]["file"] == "2026评定-等次分布"
