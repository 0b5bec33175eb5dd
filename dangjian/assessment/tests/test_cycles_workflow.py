"""The review steps of an assessment: who performs each, returns, the public notice, approval, reopening,
closing; results, verdicts and evidence rules; measuring from records."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant
from dangjian.assessment.choices import AssessmentAction as A
from dangjian.assessment.choices import AssessmentStatus, CycleStatus, EvidenceKind, SchemeStatus, Verdict
from dangjian.assessment.models import Assessment, AssessmentLog, CriterionResult, Rectification, Scheme
from dangjian.assessment.selectors_cycles import assessment_detail, cycles_for, waiting_for
from dangjian.assessment.services_cycles import (
    allowed_actions,
    assessment_transition,
    current_step,
    cycle_close,
    cycle_measure,
    cycle_open,
    evidence_add,
    performs,
    result_record,
    result_review,
)
from dangjian.core.access import Role
from dangjian.core.models import AuditEntry
from dangjian.organizations.models import Organization

from .fixtures_cycles import FakeIndicator, fake_indicator, judged_scheme

__all__ = ["fake_indicator"]

PERIOD = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 10, 31)}


def secretary(username, organization):
    user = User.objects.create_user(username=username, password="x")
    role_grant(actor=None, user=user, role=Role.SECRETARY, organization=organization)
    return user


def jpeg_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model X"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("venue.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def village_cycle(personas, org):
    """A star cycle run by the city over 青山村 with the shipped evidence needs (judged criteria only)."""
    village = Organization.objects.get(name="青山村党支部")
    scheme = judged_scheme("village-stars", evidence=None)
    cycle = cycle_open(actor=personas["city"], scheme=scheme, organization=org["city"], name="2026年度星级评定",
                       year=2026, organizations=[village], **PERIOD)
    return {"cycle": cycle, "assessment": cycle.assessments.get(), "village": village,
            "village_secretary": secretary("village-sec", village), "town_secretary": secretary("town-sec", org["town"])}


def results_of(assessment):
    return {r.criterion.code: r for r in CriterionResult.objects.filter(assessment=assessment).select_related("criterion")}


def record_everything(actor, assessment, *, with_evidence=True):
    """Every star met and no veto item triggered, with the evidence each needs."""
    for code, result in results_of(assessment).items():
        result_record(actor=actor, result=result, met=True, note="自评达标")
        if not with_evidence:
            continue
        if result.criterion.evidence == EvidenceKind.FILE:
            evidence_add(actor=actor, result=result, kind=EvidenceKind.FILE,
                         file=SimpleUploadedFile(f"{code}.pdf", b"%PDF-1.4 test", content_type="application/pdf"))
        elif result.criterion.evidence == EvidenceKind.RECORD:
            evidence_add(actor=actor, result=result, kind=EvidenceKind.RECORD, record_url="/orglife/meetings/")
        elif result.criterion.evidence == EvidenceKind.PHOTO:
            evidence_add(actor=actor, result=result, kind=EvidenceKind.PHOTO, file=jpeg_with_exif(), caption="活动室")


def fresh(assessment):
    return Assessment.objects.select_related("cycle__scheme", "cycle__organization", "organization").get(
        pk=assessment.pk)


def test_the_five_steps_with_a_return_the_notice_period_approval_and_reopening(village_cycle, personas):
    assessment, village_sec, town_sec = (village_cycle[k] for k in ("assessment", "village_secretary",
                                                                    "town_secretary"))
    city = personas["city"]
    assert current_step(assessment).name == "村党组织自评"
    assert allowed_actions(village_sec, assessment) == [A.SUBMIT]
    assert allowed_actions(personas["sibling"], assessment) == []
    assert performs(city, assessment)  # the city's organizer may act at every step

    # Missing evidence blocks the submission.
    record_everything(village_sec, assessment, with_evidence=False)
    with pytest.raises(ValidationError) as exc:
        assessment_transition(actor=village_sec, assessment=assessment, action=A.SUBMIT)
    assert "班子建设星" in exc.value.messages[0] and "阵地建设星" in exc.value.messages[0]
    assert "平安稳定星" not in exc.value.messages[0]  # needs no evidence
    assert fresh(assessment).step == 0
    record_everything(village_sec, assessment)
    assessment = assessment_transition(actor=village_sec, assessment=assessment, action=A.SUBMIT)
    assessment = assessment_transition(actor=village_sec, assessment=fresh(assessment), action=A.SUBMIT, note="已公开评议")
    assessment = fresh(assessment)
    assert (current_step(assessment).name, assessment.status) == ("镇党委审核", AssessmentStatus.IN_REVIEW)

    # The village secretary cannot do the town's step, nor give verdicts.
    assert allowed_actions(village_sec, assessment) == []
    with pytest.raises(PermissionDenied):
        assessment_transition(actor=village_sec, assessment=assessment, action=A.SUBMIT)
    economy = results_of(assessment)["economy"]
    with pytest.raises(PermissionDenied):
        result_review(actor=village_sec, result=economy, verdict=Verdict.ACCEPTED)
    with pytest.raises(ValidationError):  # nor record results once it is with the reviewers
        result_record(actor=village_sec, result=economy, met=False)

    # The town rejects a criterion (with the reason) and returns the assessment (with the reason).
    assert allowed_actions(town_sec, assessment) == [A.SUBMIT, A.RETURN]
    with pytest.raises(ValidationError):
        result_review(actor=town_sec, result=economy, verdict=Verdict.REJECTED)
    result_review(actor=town_sec, result=economy, verdict=Verdict.REJECTED, note="集体收入台账不全")
    assert fresh(assessment).stars == 9
    with pytest.raises(ValidationError):
        assessment_transition(actor=town_sec, assessment=assessment, action=A.RETURN)
    assessment = assessment_transition(actor=town_sec, assessment=assessment, action=A.RETURN, note="补充台账后再报")
    assessment = fresh(assessment)
    assert (assessment.step, assessment.status) == (1, AssessmentStatus.RETURNED)
    assert allowed_actions(village_sec, assessment) == [A.SUBMIT, A.RETURN]

    # Back at the village's step: the finding is recorded again, then submitted.
    result_record(actor=village_sec, result=results_of(assessment)["economy"], met=True, note="已补台账")
    assert fresh(assessment).stars == 10
    assessment = assessment_transition(actor=village_sec, assessment=fresh(assessment), action=A.SUBMIT)
    assert fresh(assessment).status == AssessmentStatus.IN_REVIEW

    # Into the public notice: seven days before the next step.
    assessment = assessment_transition(actor=town_sec, assessment=fresh(assessment), action=A.SUBMIT)
    assessment = fresh(assessment)
    assert current_step(assessment).name == "公示"
    assert assessment.notice_until == timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        assessment_transition(actor=town_sec, assessment=assessment, action=A.SUBMIT)
    assert exc.value.code == "notice_period"
    Assessment.objects.filter(pk=assessment.pk).update(notice_until=timezone.localdate())  # the last day
    assessment = assessment_transition(actor=town_sec, assessment=fresh(assessment), action=A.SUBMIT)

    # The county (the city here) approves; the town cannot.
    assessment = fresh(assessment)
    assert current_step(assessment).name == "市（县）委组织部审批"
    with pytest.raises(PermissionDenied):
        assessment_transition(actor=town_sec, assessment=assessment, action=A.APPROVE)
    assert allowed_actions(city, assessment) == [A.APPROVE, A.RETURN]
    assessment = assessment_transition(actor=city, assessment=assessment, action=A.APPROVE, note="同意")
    assessment = fresh(assessment)
    assert (assessment.status, assessment.grade, assessment.stars) == (AssessmentStatus.APPROVED, "advanced", 10)
    assert assessment.approved_at is not None
    assert not Rectification.objects.filter(organization=village_cycle["village"]).exists()  # nothing unmet

    # Reopening is for the organization running the cycle.
    assert allowed_actions(town_sec, assessment) == []
    with pytest.raises(PermissionDenied):
        assessment_transition(actor=town_sec, assessment=assessment, action=A.REOPEN)
    assessment = assessment_transition(actor=city, assessment=assessment, action=A.REOPEN, note="复核")
    assessment = fresh(assessment)
    assert (assessment.step, assessment.status, assessment.approved_at) == (4, AssessmentStatus.IN_REVIEW, None)
    with pytest.raises(ValidationError):
        cycle_close(actor=city, cycle=village_cycle["cycle"])  # not every assessment approved
    assessment_transition(actor=city, assessment=assessment, action=A.APPROVE)

    log = list(AssessmentLog.objects.filter(assessment=assessment).values_list("action", "from_step", "to_step",
                                                                               "to_status", "capacity", "note"))
    assert log == [
        ("submit", 0, 1, "in_review", "村党组织自评", ""),
        ("submit", 1, 2, "in_review", "党员群众评议、支部上报", "已公开评议"),
        ("return", 2, 1, "returned", "镇党委审核", "补充台账后再报"),
        ("submit", 1, 2, "in_review", "党员群众评议、支部上报", ""),
        ("submit", 2, 3, "in_review", "镇党委审核", ""),
        ("submit", 3, 4, "in_review", "公示", ""),
        ("approve", 4, 4, "approved", "市（县）委组织部审批", "同意"),
        ("reopen", 4, 4, "in_review", "市（县）委组织部审批", "复核"),
        ("approve", 4, 4, "approved", "市（县）委组织部审批", ""),
    ]
    audits = list(AuditEntry.objects.filter(action__startswith="assessment.assessment_", object_id=str(assessment.pk))
                  .order_by("pk").values_list("action", flat=True))
    assert audits == ["assessment.assessment_submitted"] * 2 + ["assessment.assessment_returned"] + [
        "assessment.assessment_submitted"] * 3 + ["assessment.assessment_approved", "assessment.assessment_reopened",
                                                  "assessment.assessment_approved"]
    assert AuditEntry.objects.filter(action="assessment.result_reviewed", actor=town_sec).count() == 1

    cycle = cycle_close(actor=city, cycle=village_cycle["cycle"])
    assert cycle.status == CycleStatus.CLOSED
    with pytest.raises(ValidationError):
        assessment_transition(actor=city, assessment=fresh(assessment), action=A.REOPEN)


def test_approval_opens_rectification_for_unmet_and_vetoed_criteria(village_cycle, personas):
    assessment = village_cycle["assessment"]
    results = results_of(assessment)
    for code, result in results.items():
        met = code not in ("economy", "veto_incident")  # one star missed, one veto item triggered
        result_record(actor=None, result=result, met=met)
    Assessment.objects.filter(pk=assessment.pk).update(step=4)
    assessment = assessment_transition(actor=personas["city"], assessment=fresh(assessment), action=A.APPROVE)
    assessment = fresh(assessment)
    assert (assessment.vetoed, assessment.grade, assessment.stars, assessment.points) == (True, "lagging", 0, 0)
    tasks = Rectification.objects.filter(organization=village_cycle["village"])
    assert sorted(t.source.criterion.code for t in tasks) == ["economy", "veto_incident"]
    assert {t.title for t in tasks} == {"发展经济星", "发生重大安全事故或群体性事件"}
    # Reopening and approving again does not open the same tasks twice.
    assessment_transition(actor=personas["city"], assessment=assessment, action=A.REOPEN)
    assessment_transition(actor=personas["city"], assessment=fresh(assessment), action=A.APPROVE)
    assert tasks.count() == 2


def test_evidence_rules(village_cycle, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment, village_sec = village_cycle["assessment"], village_cycle["village_secretary"]
    results = results_of(assessment)

    photo = evidence_add(actor=village_sec, result=results["venue"], kind=EvidenceKind.PHOTO, file=jpeg_with_exif())
    with Image.open(photo.file.path) as saved:
        assert not saved.getexif()  # re-encoded without the camera's data
    with open(photo.file.path, "rb") as fh:
        assert b"SecretCam" not in fh.read()

    with pytest.raises(ValidationError) as exc:
        evidence_add(actor=village_sec, result=results["leadership"], kind=EvidenceKind.FILE,
                     file=SimpleUploadedFile("tool.exe", b"MZ..."))
    assert exc.value.error_dict["file"][0].code == "evidence_file_type"
    assert "不能上传" in exc.value.message_dict["file"][0]  # told in Chinese
    big = SimpleUploadedFile("big.pdf", b"x")
    big.size = 10 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as exc:
        evidence_add(actor=village_sec, result=results["leadership"], kind=EvidenceKind.FILE, file=big)
    assert exc.value.error_dict["file"][0].code == "evidence_file_size"
    for bad in ("https://evil.example/x", "//evil.example/x", "orglife/meetings/", "/a b"):
        with pytest.raises(ValidationError) as exc:
            evidence_add(actor=village_sec, result=results["members"], kind=EvidenceKind.RECORD, record_url=bad)
        assert exc.value.error_dict["record_url"][0].code == "evidence_record_url"
    link = evidence_add(actor=village_sec, result=results["members"], kind=EvidenceKind.RECORD,
                        record_url="/members/?org=1")
    assert link.record_url == "/members/?org=1"
    with pytest.raises(ValidationError):
        evidence_add(actor=village_sec, result=results["members"], kind=EvidenceKind.PHOTO,
                     file=SimpleUploadedFile("fake.jpg", b"not an image"))
    # Those not over the village cannot add evidence to its assessment.
    with pytest.raises(PermissionDenied):
        evidence_add(actor=personas["organizer"], result=results["members"], kind=EvidenceKind.RECORD,
                     record_url="/members/")
    detail = assessment_detail(fresh(assessment))
    by_code = {row["criterion"].code: row["evidence"] for row in detail["results"]}
    assert len(by_code["venue"]) == 1 and len(by_code["members"]) == 1 and by_code["leadership"] == []
    assert [s["current"] for s in detail["steps"]] == [True, False, False, False, False]
    assert AuditEntry.objects.filter(action="assessment.evidence_added", object_id=str(assessment.pk)).count() == 2


def test_measured_criteria_are_filled_from_records_not_typed(personas, org, fake_indicator):
    village = Organization.objects.get(name="石桥村党支部")
    fake_indicator.values[village.pk] = Decimal("0.95")
    scheme = judged_scheme("village-stars", indicator_code=FakeIndicator.code)
    cycle = cycle_open(actor=personas["city"], scheme=scheme, organization=org["town"], name="青山镇星级", year=2026,
                       organizations=[village], **PERIOD)
    assessment = cycle.assessments.get()
    results = results_of(assessment)
    # Thresholds of the shipped scheme: meetings 0.9, study 0.8, satisfaction 0.8 met; service 4 hours not.
    assert {c: (results[c].value, results[c].met) for c in ("organization_life", "study", "service")} == {
        "organization_life": (Decimal("0.95"), True), "study": (Decimal("0.95"), True),
        "service": (Decimal("0.95"), False)}
    assert results["organization_life"].records_url.startswith(f"/orglife/?org={village.pk}&from=2026-01-01")
    assert fresh(assessment).stars == 3
    with pytest.raises(ValidationError):
        result_record(actor=personas["city"], result=results["organization_life"], met=False)
    fake_indicator.values[village.pk] = None  # no records any more: not met
    with pytest.raises(PermissionDenied):
        cycle_measure(actor=personas["community"], cycle=cycle)
    assert cycle_measure(actor=personas["city"], cycle=cycle) == 4
    result = CriterionResult.objects.get(pk=results["organization_life"].pk)
    assert (result.value, result.met) == (None, False)
    assert fresh(assessment).stars == 0


def test_open_validates_the_scheme_organizations_and_access(personas, org):
    scheme = judged_scheme("village-stars")
    village = Organization.objects.get(name="青山村党支部")
    base = {"scheme": scheme, "organization": org["town"], "name": "评定", "year": 2026, **PERIOD}
    with pytest.raises(PermissionDenied):
        cycle_open(actor=personas["community"], organizations=[village], **base)

    def refused(field, **changes):
        with pytest.raises(ValidationError) as exc:
            cycle_open(actor=personas["city"], **{**base, "organizations": [village], **changes})
        assert field in exc.value.message_dict

    refused("organizations", organizations=[])
    refused("organizations", organizations=[village, village])
    refused("organizations", organizations=[org["community"]])  # not under the town (and not a village)
    street_villages = judged_scheme("village-stars")
    refused("organizations", scheme=street_villages, organization=org["street"], organizations=[org["community"]])
    refused("period_end", period_start=datetime.date(2026, 5, 1), period_end=datetime.date(2026, 4, 30))
    refused("targets", targets={village.pk: "no-such-grade"})
    Scheme.objects.filter(pk=scheme.pk).update(status=SchemeStatus.DRAFT)
    refused("scheme", scheme=Scheme.objects.get(pk=scheme.pk))


def test_who_sees_and_who_is_waited_for(village_cycle, personas):
    assessment, village_sec, town_sec = (village_cycle[k] for k in ("assessment", "village_secretary",
                                                                    "town_secretary"))
    cycle = village_cycle["cycle"]
    assert list(waiting_for(village_sec)) == [assessment]
    assert list(waiting_for(personas["organizer"])) == []  # the street is not above the village
    # The city may act at every step, but the to-do waits for the level that performs it.
    assert assessment not in waiting_for(personas["city"])
    assert cycle in cycles_for(village_sec)  # the village's secretary sees the cycle the village is in
    assert cycle not in cycles_for(personas["sibling"])
    record_everything(village_sec, assessment)
    assessment_transition(actor=village_sec, assessment=assessment, action=A.SUBMIT)
    assessment_transition(actor=village_sec, assessment=fresh(assessment), action=A.SUBMIT)
    assert list(waiting_for(village_sec)) == []
    assert list(waiting_for(town_sec)) == [assessment]
    assert assessment not in waiting_for(personas["city"])
    row = cycles_for(personas["city"]).get(pk=cycle.pk)
    assert (row.assessment_count, row.approved_count) == (1, 0)
