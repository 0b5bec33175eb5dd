"""Affair admission pages and API with the personas: list, form, moves, procedures, the public list."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .. import services_admission as services
from ..choices import AdmissionStatus, LinkKind, ProcedureStatus
from ..models import AdmissionProcedure, AffairAdmission
from .fixtures_admission import make_request, request_fields

pytestmark = pytest.mark.django_db


def admitted(actor, **overrides):
    admission = services.admission_transition(actor=actor, admission=make_request(actor, **overrides), action="submit")
    while admission.current_link.kind != LinkKind.DECIDE:
        admission = services.admission_transition(actor=actor, admission=admission, action="pass")
    return services.admission_transition(actor=actor, admission=admission, action="admit", comment="依法准入")


def test_organizer_records_and_walks_a_request_through_the_pages(client_for, org):
    client = client_for("organizer")
    data = {k: v for k, v in request_fields().items()} | {"organization": org["street"].pk,
                                                          "communities": [org["community"].pk]}
    response = client.post(reverse("coverage:affair_new"), data)
    admission = AffairAdmission.objects.get(title="低保年审入户核查", department="临江市民政局")
    assert response.status_code == 302 and response["Location"] == reverse("coverage:affair", args=[admission.pk])
    bad = client.post(reverse("coverage:affair_new"), data | {"legal_basis": "", "funding": "-5"})
    assert bad.status_code == 200 and bad.context["form"].errors.keys() >= {"legal_basis", "funding"}
    act = reverse("coverage:affair_act", args=[admission.pk])
    client.post(act, {"action": "submit"})
    page = client.get(reverse("coverage:affair", args=[admission.pk]))
    # "第1步 申请 · …" once the catalogue has the label's translation.
    assert "1" in page.context["link_label"] and "申请 · 部门提交准入申请" in page.content.decode()
    assert [a for a, *_ in page.context["actions"]] == ["pass", "return", "withdraw"]
    client.post(act, {"action": "return"})  # no comment: refused with a message
    assert AffairAdmission.objects.get(pk=admission.pk).status == AdmissionStatus.IN_REVIEW
    client.post(act, {"action": "pass"})
    listing = client.get(reverse("coverage:affairs"), {"status": "in_review"})
    assert "申请 · 准入办受理并初审材料" in listing.content.decode()
    assert client.post(act, {"action": "bogus"}).status_code == 302


def test_edit_only_while_draft_and_only_by_the_authority(client_for, personas, org):
    admission = make_request(personas["organizer"])
    url = reverse("coverage:affair_edit", args=[admission.pk])
    data = request_fields(funding="30000") | {"communities": [org["community"].pk]}
    assert client_for("organizer").post(url, data).status_code == 302
    assert AffairAdmission.objects.get(pk=admission.pk).funding == 30000
    assert client_for("community").get(url).status_code == 403
    assert client_for("sibling").get(url).status_code == 404
    services.admission_transition(actor=personas["organizer"], admission=admission, action="submit")
    assert client_for("organizer").get(url).status_code == 302


def test_community_sees_and_cannot_act(client_for, personas):
    admission = make_request(personas["organizer"])
    client = client_for("community")
    page = client.get(reverse("coverage:affair", args=[admission.pk]))
    assert page.status_code == 200 and page.context["actions"] == []
    assert client.post(reverse("coverage:affair_act", args=[admission.pk]), {"action": "submit"}).status_code == 403
    assert admission.title in client.get(reverse("coverage:affairs")).content.decode()
    assert admission.title not in client_for("sibling").get(reverse("coverage:affairs")).content.decode()


def test_renew_button_opens_a_draft(client_for, personas):
    today = timezone.localdate()
    admission = admitted(personas["organizer"], starts_on=today - datetime.timedelta(days=300),
                         ends_on=today + datetime.timedelta(days=10))
    client = client_for("organizer")
    assert client.get(reverse("coverage:affair", args=[admission.pk])).context["may_renew"]
    response = client.post(reverse("coverage:affair_renew", args=[admission.pk]))
    renewal = AffairAdmission.objects.get(renewal_of=admission)
    assert response["Location"] == reverse("coverage:affair", args=[renewal.pk])


def test_the_department_contact_is_shown_only_to_the_reviewing_office(client_for, personas):
    admission = make_request(personas["organizer"])
    url = reverse("coverage:affair", args=[admission.pk])
    office = client_for("organizer").get(url)
    assert office.context["show_contact"] and "王科长" in office.content.decode()
    for persona in ("community", "auditor"):
        page = client_for(persona).get(url)
        assert page.status_code == 200 and not page.context["show_contact"]
        assert "王科长" not in page.content.decode() and "86001234" not in page.content.decode()


def test_pages_with_a_form_refuse_other_methods(client_for, personas):
    admission = make_request(personas["organizer"])
    draft = services.procedure_copy(actor=personas["organizer"], procedure=admission.procedure,
                                    organization=admission.organization)
    client = client_for("organizer")
    for url in (reverse("coverage:affair_new"), reverse("coverage:affair_edit", args=[admission.pk]),
                reverse("coverage:procedure_edit", args=[draft.pk])):
        assert client.put(url).status_code == 405


def link_post(formset) -> dict:
    """What a browser posts for the edit page as served: every row as pre-filled."""
    data = {f"links-{k}": v for k, v in {"TOTAL_FORMS": formset.total_form_count(),
                                          "INITIAL_FORMS": formset.initial_form_count(),
                                          "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 40}.items()}
    for i, form in enumerate(formset.forms):
        for name in ("step", "step_name", "name", "kind", "days", "guidance"):
            value = form[name].value()
            data[f"links-{i}-{name}"] = "" if value is None else value
    return data


def test_changing_one_link_keeps_the_others(client_for, personas, org):
    client = client_for("organizer")
    shipped = AdmissionProcedure.objects.get(organization__isnull=True, code="community-affairs")
    draft = services.procedure_copy(actor=personas["organizer"], procedure=shipped, organization=org["street"])
    url = reverse("coverage:procedure_edit", args=[draft.pk])
    data = link_post(client.get(url).context["formset"])
    assert data["links-INITIAL_FORMS"] == 10 and data["links-TOTAL_FORMS"] == 12
    data["links-2-name"] = "街道准入办初审（改）"
    assert client.post(url, data).status_code == 302
    names = list(draft.links.order_by("position").values_list("name", flat=True))
    assert len(names) == 10 and names[2] == "街道准入办初审（改）"
    assert names[:2] + names[3:] == [link.name for link in shipped.links.order_by("position")
                                     if link.position != 3]
    data = link_post(client.get(url).context["formset"]) | {"links-0-DELETE": "on",
                                                             "links-10-step": "4", "links-10-step_name": "公示",
                                                             "links-10-name": "归档", "links-10-kind": "check"}
    assert client.post(url, data).status_code == 302
    names = list(draft.links.order_by("position").values_list("name", flat=True))
    assert len(names) == 10 and names[-1] == "归档" and "街道准入办初审（改）" in names


def test_public_list_shows_admitted_tasks_without_personal_data(client_for, personas, org):
    today = timezone.localdate()
    admitted(personas["organizer"], starts_on=today - datetime.timedelta(days=5), ends_on=today + datetime.timedelta(days=90))
    make_request(personas["organizer"], title="未准入的事项")
    client = client_for(None)
    response = client.get(reverse("coverage:affairs_public", args=[org["street"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "低保年审入户核查" in body and "《社会救助暂行办法》第十一条" in body and "滨河社区" in body
    assert "未准入的事项" not in body and "王科长" not in body and "86001234" not in body
    assert client.get(reverse("coverage:affairs_public", args=[999999])).status_code == 404


def test_procedure_pages_copy_edit_publish(client_for, org):
    client = client_for("organizer")
    shipped = AdmissionProcedure.objects.get(organization__isnull=True, code="community-affairs")
    assert "领导小组审议" in client.get(reverse("coverage:procedure", args=[shipped.pk])).content.decode()
    response = client.post(reverse("coverage:procedure_copy", args=[shipped.pk]), {"organization": org["street"].pk})
    draft = AdmissionProcedure.objects.get(organization=org["street"], status=ProcedureStatus.DRAFT)
    assert response["Location"] == reverse("coverage:procedure_edit", args=[draft.pk])
    edit = client.get(reverse("coverage:procedure_edit", args=[draft.pk]))
    assert edit.context["formset"].total_form_count() == 12
    data = {"links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0", "links-MIN_NUM_FORMS": "0",
            "links-MAX_NUM_FORMS": "40",
            "links-0-step": "1", "links-0-step_name": "申请", "links-0-name": "受理", "links-0-kind": "check",
            "links-1-step": "2", "links-1-step_name": "审批", "links-1-name": "审核", "links-1-kind": "check"}
    refused = client.post(reverse("coverage:procedure_edit", args=[draft.pk]), data)
    assert refused.status_code == 200 and refused.context["formset"].non_form_errors()
    data["links-1-kind"] = "decide"
    assert client.post(reverse("coverage:procedure_edit", args=[draft.pk]), data).status_code == 302
    client.post(reverse("coverage:procedure_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ProcedureStatus.PUBLISHED and draft.links.count() == 2
    assert client.get(reverse("coverage:procedure_edit", args=[draft.pk])).status_code == 302
    assert client_for("community").get(reverse("coverage:procedure", args=[draft.pk])).status_code == 404


def count_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_list_pages_and_api_take_as_many_queries_for_n_rows_as_for_2n(client_for, personas, org):
    organizer, client = personas["organizer"], client_for("organizer")
    shipped = AdmissionProcedure.objects.get(organization__isnull=True, code="community-affairs")

    def add(n):
        for i in range(n):
            admitted(organizer, title=f"事项{i}", ends_on=timezone.localdate() + datetime.timedelta(days=i))
            services.procedure_copy(actor=organizer, procedure=shipped, organization=org["street"])

    def measure():
        return (count_queries(client, reverse("coverage:affairs")),
                count_queries(client, reverse("coverage:affairs"), status="due"),
                count_queries(client, reverse("coverage:procedures")),
                count_queries(client, "/api/v1/affair-admissions/"))

    add(3)
    at_n = measure()
    add(3)
    assert measure() == at_n
    assert client.get("/api/v1/affair-admissions/").json()["count"] >= 6


def test_api_fields_filters_and_review_log(client_for, personas, org):
    today = timezone.localdate()
    admission = admitted(personas["organizer"], starts_on=today - datetime.timedelta(days=400),
                         ends_on=today - datetime.timedelta(days=1))
    client = client_for("organizer")
    rows = client.get("/api/v1/affair-admissions/", {"status": "admitted", "organization": org["street"].pk}).json()
    row = next(r for r in rows["results"] if r["id"] == admission.pk)
    assert row["expired"] is True and row["organization"]["name"] == org["street"].name
    assert row["current_link"]["name"] == "公示准入事项目录" and row["communities"][0]["name"] == "滨河社区党委"
    assert "reviews" not in row
    detail = client.get(f"/api/v1/affair-admissions/{admission.pk}/").json()
    assert detail["reviews"][0]["outcome"] == "submitted" and len(detail["reviews"]) == 9
    assert client.get("/api/v1/affair-admissions/", {"status": "nonsense"}).status_code == 400
    assert client_for("sibling").get(f"/api/v1/affair-admissions/{admission.pk}/").status_code == 404


def test_workbench_items(personas):
    from ..workbench_admission import items

    today = timezone.localdate()
    services.admission_transition(actor=personas["organizer"], admission=make_request(personas["organizer"]),
                                  action="submit")
    admitted(personas["organizer"], starts_on=today - datetime.timedelta(days=300), ends_on=today + datetime.timedelta(days=5))
    texts = [i["text"] for i in items(user=personas["organizer"], today=today)]
    assert any("1" in t for t in texts) and len(texts) == 2
    assert items(user=personas["member"], today=today) == []
