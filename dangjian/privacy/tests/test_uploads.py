"""Every upload path checks what a file is, not what it is called: a program renamed to .jpg is
refused with a message and nothing is saved (meeting files, course material, recruitment documents,
notice attachments; requests, wishes and assessment already go through the same checks)."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.notices.models import Notice
from dangjian.orglife.models import Course, Meeting
from dangjian.recruitment.models import StepDocument

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


def fake_photo():
    return SimpleUploadedFile("photo.jpg", EXE, content_type="image/jpeg")


def test_meeting_files(client_for, org):
    meeting = Meeting.objects.create(organization=org["branch"], kind="theme_day", topic="t",
                                     starts_at=timezone.now() - datetime.timedelta(hours=2))
    member = org["branch"].members.first()
    meeting.attendances.create(member=member)
    form = {"minutes": "记录", "res-TOTAL_FORMS": "0", "res-INITIAL_FORMS": "0", f"att-{member.pk}": "present",
            "attachments": fake_photo()}
    response = client_for("branch").post(f"/orglife/meetings/{meeting.pk}/record/", form)
    assert response.status_code == 200 and "photo.jpg" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned" and not meeting.attachments.exists()


def test_course_material(org):
    """Through the service the course form feeds (the page's organization list is sliced, which its
    form cannot validate: a separate, older problem of the orglife form)."""
    import pytest
    from django.core.exceptions import ValidationError

    from dangjian.orglife.study import course_publish

    with pytest.raises(ValidationError) as exc:
        course_publish(actor=None, organization=org["branch"], title="党章学习", hours=1, material=fake_photo())
    assert exc.value.error_dict["material"][0].code == "upload_file_content"
    assert not Course.objects.filter(title="党章学习").exists()


def test_recruitment_documents(client_for, org):
    from dangjian.recruitment.tests.factories import new_file

    applicant = new_file(org["branch"], applied_on=datetime.date(2026, 8, 3))
    response = client_for("branch").post(f"/recruitment/{applicant.pk}/documents/", {
        "step_number": 1, "title": "申请书照片", "file": fake_photo()})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not StepDocument.objects.filter(applicant=applicant).exists()


def test_notice_attachments(client_for, org):
    response = client_for("community").post("/notices/publish/", {
        "organization": org["community"].pk, "title": "关于学习的通知", "body": "请各支部组织学习。",
        "targets": [org["branch"].pk], "attachment": fake_photo()})
    assert response.status_code == 200 and response.context["form"].errors["attachment"]
    assert not Notice.objects.filter(title="关于学习的通知").exists()


def test_real_documents_still_pass(client_for, org):
    response = client_for("community").post("/notices/publish/", {
        "organization": org["community"].pk, "title": "关于学习的通知", "body": "请各支部组织学习。",
        "targets": [org["branch"].pk], "attachment": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")})
    assert response.status_code == 302, response.context["form"].errors
    assert Notice.objects.get(title="关于学习的通知").attachment.name.endswith(".pdf")
