"""Recruitment as a branch secretary, an upper organizer, a mentor and outsiders use it on the pages."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.recruitment import services
from dangjian.recruitment.models import Applicant, StepDocument

from .factories import advance, full_members, new_file, person

D = datetime.date


def test_register_an_application_then_record_the_talk(client_for, org):
    client = client_for("branch")
    assert client.get(f"/recruitment/new/?org={org['branch'].pk}").status_code == 200
    data = person(name="周佳欣", birth=D(2000, 9, 9))
    form = {k: v for k, v in data.items()} | {"applied_on": "2026-11-02", "actors": "支部书记", "ethnicity": "01"}
    response = client.post(f"/recruitment/new/?org={org['branch'].pk}", form)
    applicant = Applicant.objects.get(name="周佳欣")
    assert response.status_code == 302 and response["Location"] == f"/recruitment/{applicant.pk}/"
    page = client.get(f"/recruitment/{applicant.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "周佳欣" in body and data["id_number"] not in body
    assert applicant.id_number_masked in body
    # The first step open now has its form on the page; posting it records step 2.
    assert page.context["first"].number == 2
    response = client.post(f"/recruitment/{applicant.pk}/steps/2/", {"done_on": "2026-11-10", "actors": "张伟、李娜"})
    assert response.status_code == 302
    assert applicant.steps.get(number=2).actors == "张伟、李娜"
    # A date before the application is refused beside the field, in a page (not an error).
    response = client.post(f"/recruitment/{applicant.pk}/steps/3/", {"done_on": "2026-11-01"})
    assert response.status_code == 200 and response.context["form"].errors["done_on"]


def test_local_grouping_shows_with_the_national_steps(client_for, org):
    applicant = new_file(org["branch"], applied_on=D(2026, 10, 8))
    page = client_for("branch").get(f"/recruitment/{applicant.pk}/")
    sections = page.context["sections"]
    assert sections[0]["local"] and "六步法" not in sections[0]["title"] and sections[0]["title"].startswith("第一步")
    assert [r.number for s in sections for r in s["rows"]] == list(range(1, 26))
    assert "递交入党申请书" in page.content.decode()  # the national title stays visible


def test_admission_form_offers_only_organizations_that_may_approve(client_for, org, personas):
    applicant = new_file(org["branch"], applied_on=D(2023, 6, 5))
    advance(applicant, 16, start=D(2023, 6, 5))
    client = client_for("branch")
    page = client.get(f"/recruitment/{applicant.pk}/steps/17/")
    offered = list(page.context["form"].fields["approving_organization"].queryset)
    assert org["community"] in offered and all(o.org_type in ("committee", "working_committee") for o in offered)
    day = applicant.steps.get(number=16).done_on + datetime.timedelta(days=3)
    response = client.post(f"/recruitment/{applicant.pk}/steps/17/", {
        "done_on": day.isoformat(), "approving_organization": org["community"].pk, "actors": "社区党委会议"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    member = applicant.member
    assert member.status == "probationary"
    # The member page links back to the file, for those who may see it.
    assert f"/recruitment/{applicant.pk}/" in client.get(f"/members/{member.pk}/").content.decode()


def test_sponsor_form_lists_branch_members_and_refuses_one_on_party_probation(client_for, org):
    applicant = new_file(org["branch"], applied_on=D(2023, 7, 3))
    advance(applicant, 8, start=D(2023, 7, 3))
    sponsors = full_members(org["branch"], 2)
    Member.objects.filter(pk=sponsors[0].pk).update(party_probation_until=timezone.localdate())
    day = applicant.steps.get(number=8).done_on + datetime.timedelta(days=2)
    response = client_for("branch").post(f"/recruitment/{applicant.pk}/steps/9/", {
        "done_on": day.isoformat(), "contacts": [m.pk for m in sponsors]})
    assert response.status_code == 200 and response.context["form"].errors["contacts"]
    assert sponsors[0].name in str(response.context["form"].errors["contacts"])


def test_files_are_scoped(client_for, org, personas):
    applicant = new_file(org["branch"], applied_on=D(2026, 9, 1))
    url = f"/recruitment/{applicant.pk}/"
    assert client_for("sibling").get(url).status_code == 404
    assert client_for("sibling").post(f"{url}steps/2/", {"done_on": "2026-09-05"}).status_code == 404
    assert applicant.pk not in [i["applicant"].pk for i in client_for("sibling").get("/recruitment/").context["items"]]
    assert client_for("community").get(url).status_code == 200
    assert client_for("auditor").get(url).status_code == 200
    assert client_for("auditor").post(f"{url}steps/2/", {"done_on": "2026-09-05"}).status_code == 403
    # An ordinary member of the branch sees only files they mentor or sponsor.
    assert client_for("member").get(url).status_code == 404
    services.contact_assign(actor=None, applicant=applicant, role="mentor", member=personas["member"].member,
                            started_on=D(2026, 9, 2))
    assert client_for("member").get(url).status_code == 200
    assert client_for("member").post(f"{url}steps/2/", {"done_on": "2026-09-05"}).status_code == 403


def test_documents_are_served_only_within_scope(client_for, org):
    applicant = new_file(org["branch"], applied_on=D(2026, 8, 3))
    client = client_for("branch")
    response = client.post(f"/recruitment/{applicant.pk}/documents/", {
        "step_number": 1, "title": "入党申请书", "file": SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter")})
    assert response.status_code == 302
    document = StepDocument.objects.get(applicant=applicant)
    assert client.get(f"/recruitment/documents/{document.pk}/").status_code == 200
    assert client_for("sibling").get(f"/recruitment/documents/{document.pk}/").status_code == 404
    response = client_for("branch").post(f"/recruitment/{applicant.pk}/documents/", {
        "step_number": 1, "file": SimpleUploadedFile("tool.exe", b"MZ")})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_dashboard_counts_by_stage_warns_and_takes_bounded_queries(client_for, org, django_assert_max_num_queries):
    today = timezone.localdate()
    for i, days in enumerate((3, 25, 40, 80, 120)):
        new_file(org["branch" if i % 2 else "sibling"], applied_on=today - datetime.timedelta(days=days),
                 name=f"申请人{i}")
    activist = new_file(org["branch"], applied_on=D(2025, 3, 3), name="王强", gender="male", birth=D(1995, 1, 1))
    advance(activist, 6, start=D(2025, 3, 3))
    client = client_for("community")
    client.get("/recruitment/")  # warm the user's role cache like a real session would
    with django_assert_max_num_queries(30):
        response = client.get("/recruitment/", {"org": org["community"].pk})
    assert response.status_code == 200
    cards = {c["code"]: c["count"] for c in response.context["cards"] if c["code"]}
    assert cards["applicant"] >= 5 and cards["activist"] >= 1
    assert any(a["overdue"] for a in response.context["alerts"])
    many = [new_file(org["branch"], applied_on=today - datetime.timedelta(days=10 + i), name=f"批量{i}") for i in range(15)]
    assert many
    with django_assert_max_num_queries(30):
        response = client.get("/recruitment/", {"org": org["community"].pk})
    assert response.status_code == 200
    filtered = client.get("/recruitment/", {"org": org["community"].pk, "stage": "activist"}).context["items"]
    assert [i["applicant"].name for i in filtered] == ["王强"]


def test_stop_resume_extend_and_notice_forms(client_for, org):
    applicant = new_file(org["branch"], applied_on=D(2026, 10, 12))
    client = client_for("branch")
    url = f"/recruitment/{applicant.pk}/"
    assert client.post(f"{url}stop/", {"reason": "本人撤回申请"}).status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == "stopped"
    assert client.post(f"{url}resume/", {"note": ""}).status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == "in_progress"
    for page in ("extend/", "cancel-probation/", "notices/", "contacts/", "edit/"):
        assert client.get(f"{url}{page}").status_code == 200, page
    # Not a probationary member: the service refuses and the form says why.
    response = client.post(f"{url}extend/", {"months": 6, "decided_on": "2026-11-01"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert client_for("auditor").get(f"{url}stop/").status_code == 403


def test_correct_the_personal_data_keeps_what_is_left_empty(client_for, org):
    applicant = new_file(org["branch"], applied_on=D(2026, 10, 19), name="孙丽")
    before = Applicant.objects.get(pk=applicant.pk)
    client = client_for("branch")
    page = client.get(f"/recruitment/{applicant.pk}/edit/")
    assert page.status_code == 200 and before.id_number not in page.content.decode()
    form = {"name": "孙丽娟", "gender": before.gender, "ethnicity": "01", "birth_date": before.birth_date.isoformat(),
            "education": "college", "category": "employed", "work_unit": "临江顺达物流有限公司", "job": "会计",
            "id_number": "", "phone": "13800138000", "address": ""}
    assert client.post(f"/recruitment/{applicant.pk}/edit/", form).status_code == 302
    after = Applicant.objects.get(pk=applicant.pk)
    assert after.name == "孙丽娟" and after.name_initials == "slj" and after.phone == "13800138000"
    assert after.id_number == before.id_number and after.phone_masked != before.phone_masked
