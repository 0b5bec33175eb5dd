"""Organizational life as a branch secretary and a member use it on the pages."""
import datetime

from django.utils import timezone

from dangjian.orglife.choices import MeetingStatus
from dangjian.orglife.models import Meeting, StudyRecord


def test_plan_then_record_in_one_form(client_for, org):
    client = client_for("branch")
    response = client.post(f"/orglife/meetings/plan/?org={org['branch'].pk}", {
        "kind": "theme_day", "topic": "学习贯彻全会精神", "starts_at": "2026-11-20T09:00", "duration_hours": "2",
        "place": "社区党群服务中心",
    })
    meeting = Meeting.objects.get(topic="学习贯彻全会精神")
    assert response.status_code == 302 and meeting.attendances.count() == org["branch"].members.on_roll().count()
    rows = list(meeting.attendances.all())
    form = {"minutes": "书记领学，大家交流。", "res-TOTAL_FORMS": "2", "res-INITIAL_FORMS": "0"}
    form |= {f"att-{a.member_id}": "present" for a in rows}
    form[f"att-{rows[0].member_id}"] = "leave"
    form[f"reason-{rows[0].member_id}"] = "外出务工"
    response = client.post(f"/orglife/meetings/{meeting.pk}/record/", form)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.RECORDED
    assert StudyRecord.objects.filter(meeting=meeting).count() == len(rows) - 1
    page = client.get(f"/orglife/meetings/{meeting.pk}/").content.decode()
    assert "外出务工" in page and "书记领学" in page


def test_leave_without_reason_is_refused_in_chinese(client_for, org):
    client = client_for("branch")
    meeting = Meeting.objects.create(organization=org["branch"], kind="theme_day", topic="t",
                                     starts_at=timezone.now() - datetime.timedelta(hours=1))
    member = org["branch"].members.first()
    meeting.attendances.create(member=member)
    response = client.post(f"/orglife/meetings/{meeting.pk}/record/", {
        "minutes": "x", "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0", f"att-{member.pk}": "leave"})
    assert response.status_code == 200
    assert "请假" in response.content.decode() and "原因" in response.content.decode()


def test_member_signs_in_on_the_phone(client_for, personas, org):
    meeting = Meeting.objects.create(organization=org["branch"], kind="theme_day", topic="t", starts_at=timezone.now())
    meeting.attendances.create(member=personas["member"].member)
    client = client_for("member")
    assert client.get("/orglife/sign-in/").status_code == 200
    response = client.post("/orglife/sign-in/", {"code": meeting.sign_in_code})
    assert response.status_code == 302
    assert meeting.attendances.get().status == "present"


def test_compliance_and_study_pages(client_for, org):
    client = client_for("community")
    response = client.get("/orglife/compliance/", {"year": 2026})
    orgs = {e["org"].pk for e in response.context["entries"]}
    assert org["branch"].pk in orgs and org["sibling"].pk in orgs
    assert all(e["org"].path.startswith(org["community"].path) for e in response.context["entries"])
    response = client.get("/orglife/study/", {"org": org["branch"].pk, "year": 2026})
    assert response.context["page_obj"].paginator.count == org["branch"].members.on_roll().count()
    assert client_for("member").get("/orglife/compliance/").status_code == 403


def test_member_cannot_plan_for_the_branch(client_for, org):
    client = client_for("member")
    assert client.get("/orglife/meetings/plan/").status_code == 403
    assert client.post(f"/orglife/meetings/plan/?org={org['branch'].pk}", {"kind": "theme_day"}).status_code == 403


def test_documents_download_and_are_logged(client_for, org):
    from dangjian.core.models import AuditEntry
    from dangjian.orglife.tests.test_orglife import at, hold

    meeting = hold(org["branch"], "theme_day", at(2026, 3, 5))
    client = client_for("branch")
    response = client.get(f"/orglife/meetings/{meeting.pk}/docx/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    response = client.get("/orglife/ledger/", {"org": org["branch"].pk, "year": 2026})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    response = client.get("/orglife/study/export/", {"org": org["branch"].pk, "year": 2026})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert {e.action for e in AuditEntry.objects.filter(actor__username="branch")} >= {
        "meeting.exported", "ledger.exported", "study.exported"}
    assert client_for("auditor").get("/orglife/study/export/", {"org": org["branch"].pk}).status_code == 403


def test_reasons_for_leave_are_kept_from_ordinary_members(client_for, personas, org):
    meeting = Meeting.objects.create(organization=org["branch"], kind="theme_day", topic="t",
                                     starts_at=timezone.now() - datetime.timedelta(hours=2))
    meeting.attendances.create(member=personas["member"].member)
    other = org["branch"].members.exclude(pk=personas["member"].member.pk).first()
    meeting.attendances.create(member=other, status="leave", leave_reason="住院治疗")
    assert "住院治疗" in client_for("branch").get(f"/orglife/meetings/{meeting.pk}/").content.decode()
    assert "住院治疗" not in client_for("member").get(f"/orglife/meetings/{meeting.pk}/").content.decode()
    assert "住院治疗" not in client_for("member").get(f"/api/v1/meetings/{meeting.pk}/").content.decode()
    assert "住院治疗" in client_for("branch").get(f"/api/v1/meetings/{meeting.pk}/").content.decode()


def _jpeg() -> bytes:
    """A real (tiny) JPEG: uploads are checked by their content."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return out.getvalue()


def test_record_with_photos_and_refuse_other_files(client_for, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("branch")
    meeting = Meeting.objects.create(organization=org["branch"], kind="theme_day", topic="t",
                                     starts_at=timezone.now() - datetime.timedelta(hours=2))
    member = org["branch"].members.first()
    meeting.attendances.create(member=member)
    form = {"minutes": "记录", "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0", f"att-{member.pk}": "present"}
    bad = client.post(f"/orglife/meetings/{meeting.pk}/record/",
                      form | {"attachments": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 200 and "只能" in bad.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned" and not meeting.attachments.exists()  # nothing half-written
    ok = client.post(f"/orglife/meetings/{meeting.pk}/record/",
                     form | {"attachments": SimpleUploadedFile("合影.jpg", _jpeg(), content_type="image/jpeg")})
    assert ok.status_code == 302
    attachment = meeting.attachments.get()
    assert client.get(f"/orglife/attachments/{attachment.pk}/").status_code == 200
    assert client_for("sibling").get(f"/orglife/attachments/{attachment.pk}/").status_code == 404


def test_calendar_feed_lists_what_its_user_may_see(client_for, personas, org):
    import re

    from dangjian.orglife.calendar import feed_user

    mine = Meeting.objects.create(organization=org["branch"], kind="theme_day", topic="本支部主题党日",
                                  starts_at=timezone.now() + datetime.timedelta(days=3), place="活动室, 二楼")
    Meeting.objects.create(organization=org["sibling"], kind="theme_day", topic="兄弟支部",
                           starts_at=timezone.now() + datetime.timedelta(days=3))
    page = client_for("branch").get("/orglife/calendar/").content.decode()
    # The page shows the user's own signed feed address (signed with a timestamp, so read it from the page).
    token = re.search(r"/orglife/calendar/([^/\s\"<]+)\.ics", page).group(1)
    assert feed_user(token) == personas["branch"]
    client_for(None)
    body = client_for(None).get(f"/orglife/calendar/{token}.ics").content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and f"UID:meeting-{mine.pk}@" in body
    assert "本支部主题党日" in body and "活动室\\, 二楼" in body and "兄弟支部" not in body
    assert client_for(None).get("/orglife/calendar/forged.ics").status_code == 404


def test_reminders_reach_the_secretaries_of_those_behind(client_for, personas, org, django_capture_on_commit_callbacks):
    from dangjian.notices.models import Notification
    from dangjian.orglife.reminders import behind, send_due_reminders

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("community").post(f"/orglife/compliance/?org={org['community'].pk}")
    assert response.status_code == 302
    assert Notification.objects.filter(user=personas["branch"], title__contains="滨河社区第一党支部").exists()
    assert Notification.objects.filter(user=personas["sibling"]).exists()
    assert client_for("auditor").post(f"/orglife/compliance/?org={org['community'].pk}").status_code == 403
    # The daily run reminds only of periods closing within the window (7 days before 30 November).
    closing = behind(org["branch"], today=datetime.date(2026, 11, 25), closing_within=7)
    assert closing and all(r.span.end == datetime.date(2026, 11, 30) for rows in closing.values() for r in rows)
    assert not behind(org["branch"], today=datetime.date(2026, 11, 10), closing_within=7)
    assert send_due_reminders(today=datetime.date(2026, 11, 25)) >= 1


def test_the_daily_reminders_run_twice_send_nothing_twice(personas):
    from dangjian.notices.models import Notification
    from dangjian.orglife.reminders import send_due_reminders

    assert send_due_reminders(today=datetime.date(2026, 11, 25)) >= 1
    count = Notification.objects.count()
    assert send_due_reminders(today=datetime.date(2026, 11, 25)) == 0
    assert Notification.objects.count() == count
