"""Study hours from courses, approved notes and study brought home, each credited once."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangjian.orglife import selectors, study
from dangjian.orglife.models import Course, StudyNote, StudyRecord


def test_course_hours_are_credited_once(personas, org):
    course = study.course_publish(actor=personas["community"], organization=org["community"], title="微党课",
                                  hours=Decimal("1.5"))
    study.course_finish(user=personas["member"], course=course)
    with pytest.raises(ValidationError):
        study.course_finish(user=personas["member"], course=course)
    assert StudyRecord.objects.get(course=course).hours == Decimal("1.5")


def test_courses_are_visible_below_their_publisher_only(personas, org):
    Course.objects.create(organization=org["community"], title="社区课程", hours=1)
    Course.objects.create(organization=org["sibling"], title="兄弟支部课程", hours=1)
    mine = set(Course.objects.restrict(personas["member"], "view").values_list("title", flat=True))
    assert mine == {"社区课程"}


def test_note_counts_after_approval(client_for, personas, org):
    client = client_for("member")
    response = client.post("/orglife/notes/", {
        "title": "学习党章", "studied_on": "2026-11-01", "hours": "2",
        "content": "通过学习党章，进一步明确了党员的义务和权利，要在志愿服务中发挥作用。"})
    assert response.status_code == 302
    note = StudyNote.objects.get(title="学习党章")
    assert not StudyRecord.objects.filter(note=note).exists()
    assert client_for("sibling").post(f"/orglife/notes/{note.pk}/review/", {"approve": "on"}).status_code == 404
    client_for("branch").post(f"/orglife/notes/{note.pk}/review/", {"approve": "on"})
    note.refresh_from_db()
    assert note.status == "approved" and StudyRecord.objects.get(note=note).hours == Decimal(2)
    standing = selectors.study_standings([note.member], 2026, organization=org["branch"])[0]
    assert standing.hours >= Decimal(2)


def test_note_checks(personas):
    with pytest.raises(ValidationError):
        study.note_submit(user=personas["member"], title="t", content="太短", hours=Decimal(1),
                          studied_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        study.note_submit(user=personas["member"], title="t", content="足够长的学习心得内容足够长的学习心得内容",
                          hours=Decimal(9), studied_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):  # an organizer without a member record
        study.note_submit(user=personas["organizer"], title="t", content="x" * 30, hours=Decimal(1),
                          studied_on=datetime.date(2026, 1, 1))


def test_returned_note_needs_a_reason(personas):
    note = study.note_submit(user=personas["member"], title="t", content="足够长的学习心得内容足够长的学习心得内容",
                             hours=Decimal(1), studied_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        study.note_review(actor=personas["branch"], note=note, approve=False, review_note="")
    study.note_review(actor=personas["branch"], note=note, approve=False, review_note="请结合工作实际再写写")
    assert not StudyRecord.objects.filter(note=note).exists()


def test_home_delivery_is_recorded_by_who_brought_it(client_for, personas, org):
    old = org["branch"].members.filter(category="retired").first()
    response = client_for("branch").post(f"/orglife/home-delivery/{old.pk}/", {
        "title": "送学上门：学习全会精神", "on": "2026-11-10", "hours": "2"})
    assert response.status_code == 302
    record = StudyRecord.objects.get(member=old, source="home_delivery")
    assert record.recorded_by == personas["branch"] and record.hours == Decimal(2)
