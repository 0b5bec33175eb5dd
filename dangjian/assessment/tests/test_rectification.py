"""Rectification tasks (整改): the transition table and who may take each step, closing evidence,
overdue computed from the deadline, the list with its filters and counts, the pages, the export,
the API and the workbench."""
import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.assessment import selectors_followup as selectors
from dangjian.assessment.choices import RectificationAction as A
from dangjian.assessment.choices import RectificationStatus as S
from dangjian.assessment.models import Rectification
from dangjian.assessment.services_followup import (
    rectification_create,
    rectification_open,
    rectification_transition,
)
from dangjian.assessment.workbench_followup import items as workbench_items
from dangjian.core.models import AuditEntry

from .fixtures_followup import PDF, pdf

pytestmark = pytest.mark.django_db


def _task(org, key="branch", **kwargs):
    return rectification_open(actor=None, organization=org[key], title=kwargs.pop("title", "会议记录不完整"), **kwargs)


def _submitted(org, personas, **kwargs):
    task = _task(org, **kwargs)
    return rectification_transition(actor=personas["branch"], task=task, action=A.SUBMIT,
                                    note="已补齐全部会议记录并归档", evidence=pdf())


def _png_with_exif() -> SimpleUploadedFile:
    from PIL import Image

    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


# ---------------------------------------------------------------------------------------------
# The transition table

def test_open_uses_the_rule_period_and_logs(org):
    task = _task(org)
    assert task.status == S.OPEN
    assert (task.deadline - timezone.localdate()).days in (59, 60, 61)  # assessment.rectification_days = 60
    assert list(task.log.values_list("action", "to_status")) == [("open", S.OPEN)]
    assert AuditEntry.objects.filter(action="assessment.rectification_opened", object_id=str(task.pk)).count() == 1


def test_submit_accept_walks_the_table_with_a_log_and_an_audit_entry_per_step(org, personas):
    task = _submitted(org, personas)
    assert task.status == S.SUBMITTED and task.submitted_at and task.closing_evidence
    assert task.closing_note == "已补齐全部会议记录并归档"
    task = rectification_transition(actor=personas["community"], task=task, action=A.ACCEPT)
    assert task.status == S.CLOSED and task.closed_at is not None
    assert list(task.log.values_list("action", "from_status", "to_status")) == [
        ("open", "", S.OPEN), (A.SUBMIT, S.OPEN, S.SUBMITTED), (A.ACCEPT, S.SUBMITTED, S.CLOSED)]
    codes = list(AuditEntry.objects.filter(object_id=str(task.pk), action__startswith="assessment.rectification")
                 .order_by("id").values_list("action", flat=True))
    assert codes == ["assessment.rectification_opened", "assessment.rectification_submitted",
                     "assessment.rectification_accepted"]


def test_return_needs_a_reason_and_reopens_the_task(org, personas):
    task = _submitted(org, personas)
    with pytest.raises(ValidationError) as exc:
        rectification_transition(actor=personas["community"], task=task, action=A.RETURN, note="")
    assert "note" in exc.value.message_dict
    task = rectification_transition(actor=personas["community"], task=task, action=A.RETURN, note="会议记录缺少签到表")
    assert task.status == S.OPEN and task.closed_at is None
    assert task.log.last().note == "会议记录缺少签到表"
    # The file given before still counts: a short note is enough the second time.
    task = rectification_transition(actor=personas["branch"], task=task, action=A.SUBMIT, note="已补签到表")
    assert task.status == S.SUBMITTED


@pytest.mark.parametrize(("status_steps", "action"), [
    ([], A.ACCEPT), ([], A.RETURN),                       # open: only submit
    ([A.SUBMIT], A.SUBMIT),                               # submitted: accept or return
    ([A.SUBMIT, A.ACCEPT], A.SUBMIT), ([A.SUBMIT, A.ACCEPT], A.ACCEPT), ([A.SUBMIT, A.ACCEPT], A.RETURN),  # closed
])
def test_steps_outside_the_table_are_refused(org, personas, status_steps, action):
    task = _task(org)
    for step in status_steps:
        actor = personas["branch"] if step == A.SUBMIT else personas["community"]
        task = rectification_transition(actor=actor, task=task, action=step, note="已经完成全部整改工作", evidence=None)
    with pytest.raises(ValidationError) as exc:
        actor = personas["branch"] if action == A.SUBMIT else personas["community"]
        rectification_transition(actor=actor, task=task, action=action, note="再次操作的说明文字")
    assert exc.value.messages  # refused for the status (not for a permission)
    task.refresh_from_db()
    assert task.status == {0: S.OPEN, 1: S.SUBMITTED, 2: S.CLOSED}[len(status_steps)]
    assert task.log.count() == 1 + len(status_steps)


@pytest.mark.parametrize(("persona", "action", "allowed"), [
    ("branch", A.SUBMIT, True), ("community", A.SUBMIT, True), ("organizer", A.SUBMIT, True),
    ("sibling", A.SUBMIT, False), ("auditor", A.SUBMIT, False), ("member", A.SUBMIT, False),
    ("community", A.ACCEPT, True), ("organizer", A.ACCEPT, True), ("admin", A.ACCEPT, True),
    ("branch", A.ACCEPT, False), ("sibling", A.ACCEPT, False), ("auditor", A.ACCEPT, False),
    ("branch", A.RETURN, False), ("community", A.RETURN, True),
])
def test_who_may_take_each_step(org, personas, persona, action, allowed):
    task = _task(org) if action == A.SUBMIT else _submitted(org, personas)
    run = lambda: rectification_transition(actor=personas[persona], task=task, action=action,  # noqa: E731
                                           note="整改情况说明文字足够长", evidence=None)
    if allowed:
        assert run().status != task.status
    else:
        with pytest.raises(PermissionDenied):
            run()


def test_submit_needs_a_note_and_a_file_or_a_longer_note(org, personas):
    task = _task(org)
    with pytest.raises(ValidationError) as exc:
        rectification_transition(actor=personas["branch"], task=task, action=A.SUBMIT, note="")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rectification_transition(actor=personas["branch"], task=task, action=A.SUBMIT, note="已整改")
    assert "note" in exc.value.message_dict
    task.refresh_from_db()
    assert task.status == S.OPEN
    # A short note with a file, or a note of ten characters, is enough.
    assert rectification_transition(actor=personas["branch"], task=task, action=A.SUBMIT, note="已整改",
                                    evidence=pdf()).status == S.SUBMITTED
    other = _task(org, title="另一项问题")
    assert rectification_transition(actor=personas["branch"], task=other, action=A.SUBMIT,
                                    note="已重新制定学习计划并张贴").status == S.SUBMITTED


@pytest.mark.parametrize(("name", "content"), [
    ("virus.exe", b"MZ..."), ("fake.pdf", b"not a pdf"), ("fake.docx", PDF), ("fake.png", b"not an image"),
])
def test_evidence_must_be_an_office_pdf_or_photo_file(org, personas, name, content):
    task = _task(org)
    with pytest.raises(ValidationError) as exc:
        rectification_transition(actor=personas["branch"], task=task, action=A.SUBMIT, note="已整改",
                                 evidence=SimpleUploadedFile(name, content))
    assert "evidence" in exc.value.message_dict


def test_evidence_larger_than_10_mb_is_refused(org, personas):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        rectification_transition(actor=personas["branch"], task=_task(org), action=A.SUBMIT, note="已整改", evidence=big)
    assert "evidence" in exc.value.message_dict


def test_photo_evidence_is_kept_without_its_exif(org, personas):
    from PIL import Image

    task = rectification_transition(actor=personas["branch"], task=_task(org), action=A.SUBMIT, note="已整改",
                                    evidence=_png_with_exif())
    with task.closing_evidence.open("rb") as fh:
        image = Image.open(fh)
        assert "SecretCamera" not in str(dict(image.getexif()))


def test_opening_by_hand_needs_add_over_the_parent_and_a_role_holder_as_owner(org, personas):
    task = rectification_create(actor=personas["community"], organization=org["branch"], title="台账不规范",
                                owner=personas["branch"])
    assert task.owner == personas["branch"] and task.created_by == personas["community"]
    with pytest.raises(PermissionDenied):  # a branch secretary does not inspect their own branch
        rectification_create(actor=personas["branch"], organization=org["branch"], title="台账不规范")
    with pytest.raises(PermissionDenied):
        rectification_create(actor=personas["sibling"], organization=org["branch"], title="台账不规范")
    with pytest.raises(ValidationError) as exc:  # the sibling secretary holds no role over the first branch
        rectification_create(actor=personas["community"], organization=org["branch"], title="台账不规范",
                             owner=personas["sibling"])
    assert "owner" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        rectification_create(actor=personas["community"], organization=org["branch"], title="台账不规范",
                             deadline=datetime.date(2020, 1, 1))
    assert "deadline" in exc.value.message_dict


# ---------------------------------------------------------------------------------------------
# Overdue, computed from the day

def test_overdue_is_computed_from_the_deadline_and_the_day(org, personas):
    due = timezone.localdate() + datetime.timedelta(days=10)
    open_task = _task(org, deadline=due)
    closed = _submitted(org, personas, deadline=due, title="已办结")
    rectification_transition(actor=personas["community"], task=closed, action=A.ACCEPT)
    ids = [open_task.pk, closed.pk]

    def state(today):
        rows = selectors.with_overdue(Rectification.objects.filter(pk__in=ids), today).order_by("id")
        return [(t.is_overdue, selectors.days_overdue(t)) for t in rows]

    assert state(due) == [(False, 0), (False, 0)]
    assert state(due + datetime.timedelta(days=1)) == [(True, 1), (False, 0)]
    assert state(due + datetime.timedelta(days=15)) == [(True, 15), (False, 0)]
    counts = selectors.rectification_counts(Rectification.objects.filter(pk__in=ids), due + datetime.timedelta(days=3))
    assert counts == {"open": 1, "overdue": 1, "submitted": 0, "closed": 1}


# ---------------------------------------------------------------------------------------------
# Pages

def _past_due(task, days):
    Rectification.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=days))


def test_list_counts_filters_and_flags_overdue_rows(client_for, org, personas):
    late = _task(org, title="逾期的问题")
    _past_due(late, 5)
    _submitted(org, personas, title="待审核的问题")
    _task(org, key="sibling", title="第二支部的问题")
    client = client_for("community")
    response = client.get("/assessment/rectifications/", {"org": org["branch"].pk})
    assert response.status_code == 200
    assert response.context["counts"] == {"open": 1, "overdue": 1, "submitted": 1, "closed": 0}
    body = response.content.decode()
    assert "逾期的问题" in body and "第二支部的问题" not in body
    row = [t for t in response.context["page_obj"] if t.pk == late.pk][0]
    assert row.is_overdue and row.days_overdue == 5
    assert "table-danger" in body
    overdue = client.get("/assessment/rectifications/", {"overdue": "1"})
    assert [t.title for t in overdue.context["page_obj"]] == ["逾期的问题"]
    submitted = client.get("/assessment/rectifications/", {"status": "submitted"})
    assert [t.title for t in submitted.context["page_obj"]] == ["待审核的问题"]
    to_check = client.get("/assessment/rectifications/", {"todo": "check"})
    assert [t.title for t in to_check.context["page_obj"]] == ["待审核的问题"]
    # The sibling secretary sees only their own branch's task.
    sibling = client_for("sibling").get("/assessment/rectifications/")
    assert [t.title for t in sibling.context["page_obj"]] == ["第二支部的问题"]


def test_list_filters_by_source_cycle(client_for, org, personas):
    from .fixtures_cycles import matrix_samples

    samples = matrix_samples(personas)
    result = samples["criterion_result"]
    from_cycle = _task(org, key="community", title="来自考核的问题", source=result)
    _task(org, key="community", title="检查发现的问题")
    cycle = result.assessment.cycle_id
    response = client_for("organizer").get("/assessment/rectifications/", {"cycle": cycle})
    assert [t.pk for t in response.context["page_obj"]] == [from_cycle.pk]
    assert f"/assessment/a/{result.assessment_id}/" in client_for("organizer").get(
        f"/assessment/rectifications/{from_cycle.pk}/").content.decode()


def test_list_takes_few_queries_whatever_its_size(client_for, org, django_assert_max_num_queries):
    for n in range(30):
        _task(org, title=f"问题{n}")
    client = client_for("community")
    with django_assert_max_num_queries(14):
        assert client.get("/assessment/rectifications/").status_code == 200


def test_detail_page_submit_and_accept(client_for, org, personas):
    task = _task(org)
    client = client_for("branch")
    page = client.get(f"/assessment/rectifications/{task.pk}/")
    assert list(page.context["forms"]) == [A.SUBMIT]
    response = client.post(f"/assessment/rectifications/{task.pk}/", {
        "action": "submit", "submit-action": "submit", "submit-note": "已补齐会议记录",
        "submit-evidence": SimpleUploadedFile("e.pdf", PDF)})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == S.SUBMITTED
    # The branch may not accept its own work; the community may.
    assert client.post(f"/assessment/rectifications/{task.pk}/", {"action": "accept", "accept-action": "accept"}
                       ).status_code == 403
    community = client_for("community")
    assert list(community.get(f"/assessment/rectifications/{task.pk}/").context["forms"]) == [A.ACCEPT, A.RETURN]
    assert community.post(f"/assessment/rectifications/{task.pk}/", {"action": "accept", "accept-action": "accept"}
                          ).status_code == 302
    task.refresh_from_db()
    assert task.status == S.CLOSED
    assert client_for("auditor").get(f"/assessment/rectifications/{task.pk}/evidence/").status_code == 200
    assert client_for("sibling").get(f"/assessment/rectifications/{task.pk}/").status_code == 404


def test_detail_page_shows_service_errors_on_the_form(client_for, org):
    task = _task(org)
    response = client_for("branch").post(f"/assessment/rectifications/{task.pk}/", {
        "action": "submit", "submit-action": "submit", "submit-note": "已整改"})
    assert response.status_code == 400
    assert response.context["forms"][A.SUBMIT].errors["note"]
    task.refresh_from_db()
    assert task.status == S.OPEN


def test_create_page_opens_a_task(client_for, org, personas):
    client = client_for("community")
    page = client.get("/assessment/rectifications/new/", {"org": org["branch"].pk})
    assert page.status_code == 200
    assert personas["branch"] in page.context["form"].fields["owner"].queryset
    assert personas["member"] not in page.context["form"].fields["owner"].queryset
    response = client.post("/assessment/rectifications/new/", {
        "organization": org["branch"].pk, "title": "阵地建设不达标", "description": "", "deadline": "",
        "owner": personas["branch"].pk})
    assert response.status_code == 302
    task = Rectification.objects.get(title="阵地建设不达标")
    assert task.organization == org["branch"] and task.owner == personas["branch"]
    # The branch secretary cannot open one for their own branch.
    assert client_for("branch").get("/assessment/rectifications/new/", {"org": org["branch"].pk}).status_code == 403


def test_export_is_audited(client_for, org):
    late = _task(org, title="逾期的问题")
    _past_due(late, 3)
    client = client_for("community")
    before = AuditEntry.objects.filter(action="assessment.rectifications_exported").count()
    response = client.get("/assessment/rectifications/export/", {"org": org["branch"].pk})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="assessment.rectifications_exported").count() == before + 1
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("组织", "问题")
    assert [r[1] for r in rows[1:]] == ["逾期的问题"] and rows[1][6] == 3
    assert client_for("auditor").get("/assessment/rectifications/export/").status_code == 403


# ---------------------------------------------------------------------------------------------
# API

def test_api_fields_filters_and_scope(client_for, org, personas, django_assert_max_num_queries):
    from .fixtures_cycles import matrix_samples

    samples = matrix_samples(personas)
    result = samples["criterion_result"]
    late = _task(org, title="逾期的问题", source=result, owner=personas["branch"])
    _past_due(late, 4)
    _submitted(org, personas, title="待审核的问题")
    for n in range(10):
        _task(org, key="sibling", title=f"第二支部问题{n}")
    client = client_for("community")
    with django_assert_max_num_queries(10):
        data = json.loads(client.get("/api/v1/rectifications/", {"page_size": 100}).content)
    assert data["count"] == 12
    row = next(r for r in data["results"] if r["id"] == late.pk)
    assert row["overdue"] is True and row["days_overdue"] == 4 and row["status"] == "open"
    assert row["source"] == {"assessment": result.assessment_id, "criterion_code": result.criterion.code,
                             "criterion_name": result.criterion.name}
    assert row["owner_name"] == (personas["branch"].get_full_name() or "branch")
    assert row["organization"] == org["branch"].pk
    assert {"title", "description", "deadline", "submitted_at", "closed_at"} <= set(row)
    overdue = json.loads(client.get("/api/v1/rectifications/", {"overdue": "true"}).content)
    assert [r["id"] for r in overdue["results"]] == [late.pk]
    submitted = json.loads(client.get("/api/v1/rectifications/", {"status": "submitted"}).content)
    assert [r["title"] for r in submitted["results"]] == ["待审核的问题"]
    branch_only = json.loads(client.get("/api/v1/rectifications/", {"org": org["branch"].pk}).content)
    assert branch_only["count"] == 2
    sibling = json.loads(client_for("sibling").get("/api/v1/rectifications/", {"page_size": 100}).content)
    assert sibling["count"] == 10
    assert client_for("sibling").get(f"/api/v1/rectifications/{late.pk}/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Workbench

def test_workbench_lists_tasks_to_answer_and_to_check(org, personas, django_assert_max_num_queries):
    today = timezone.localdate()
    late = _task(org, title="逾期的问题")
    _past_due(late, 2)
    _task(org, title="未到期的问题")
    _submitted(org, personas, title="待审核的问题")
    texts = lambda user: {i["text"]: i for i in workbench_items(user=user, today=today)}  # noqa: E731
    branch = texts(personas["branch"])
    overdue = [i for i in branch.values() if i["overdue"] and "todo=submit" in i["url"]]
    assert len(overdue) == 1 and "1" in overdue[0]["text"]
    assert any("todo=submit" in i["url"] and not i["overdue"] for i in branch.values())
    assert not any("todo=check" in i["url"] for i in branch.values())
    with django_assert_max_num_queries(8):
        community = texts(personas["community"])
    assert [i for i in community.values() if "todo=check" in i["url"]]
    assert not any("todo=submit" in i["url"] for i in community.values())
    assert not any("rectifications" in i["url"] for i in texts(personas["sibling"]).values())
    # The owner named on a task sees it even without a role at that organization.
    Rectification.objects.filter(pk=late.pk).update(owner=personas["team"])
    assert any("todo=submit" in i["url"] for i in texts(personas["team"]).values())


def test_evidence_download_is_refused_out_of_sight(client_for, org, personas):
    task = _submitted(org, personas)
    assert client_for("sibling").get(f"/assessment/rectifications/{task.pk}/evidence/").status_code == 404
    assert client_for("branch").get(f"/assessment/rectifications/{task.pk}/evidence/").status_code == 200
    blank = _task(org, title="没有材料")
    assert client_for("branch").get(f"/assessment/rectifications/{blank.pk}/evidence/").status_code == 404


def test_content_file_evidence_is_accepted(org, personas):
    task = rectification_transition(actor=personas["branch"], task=_task(org), action=A.SUBMIT, note="已整改",
                                    evidence=ContentFile(b"\xd0\xcf\x11\xe0rest", name="old.doc"))
    assert task.closing_evidence.name.endswith(".doc")
