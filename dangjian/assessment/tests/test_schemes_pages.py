"""The scheme pages and /api/v1/assessment-schemes/: what each user sees and may do."""
import pytest

from dangjian.assessment.models import Scheme
from dangjian.assessment.services_schemes import scheme_copy, scheme_publish

from .fixtures_schemes import shipped, street_draft


def test_list_groups_versions_by_code_with_their_status(client_for, personas, django_assert_max_num_queries):
    draft = street_draft(personas)
    published = scheme_publish(actor=personas["organizer"], scheme=scheme_copy(
        actor=personas["organizer"], scheme=draft, owner=draft.owner))
    client = client_for("branch")
    with django_assert_max_num_queries(12):
        response = client.get("/assessment/schemes/")
    assert response.status_code == 200
    groups = {g.kind: g for g in response.context["groups"]}
    assert set(groups) == {"star", "tier", "checklist"}
    family = next(f for f in groups["tier"].families if f.code == "community-tiers-lj01")
    assert [v.version for v in family.versions] == [2, 1] and family.latest == published
    body = response.content.decode()
    assert f"/assessment/schemes/{draft.pk}/" in body and "v2" in body
    only_drafts = client.get("/assessment/schemes/", {"status": "draft", "kind": "tier"}).context["groups"]
    assert [v.pk for g in only_drafts for f in g.families for v in f.versions] == [draft.pk]


def test_detail_shows_measured_criteria_vetoes_grades_and_steps(client_for):
    scheme = shipped("village-stars")
    response = client_for("branch").get(f"/assessment/schemes/{scheme.pk}/")
    assert response.status_code == 200
    context = response.context
    assert len(context["criteria"]) == 10 and len(context["vetoes"]) == 3
    assert [g.code for g in context["grades"]] == ["advanced", "average", "lagging"]
    assert [s.code for s in context["steps"]][:1] == ["self"] and len(context["steps"]) == 5
    body = response.content.decode()
    assert "≥ 90.0%" in body and "≥ 80.0%" in body  # meeting compliance ≥ 90%, study completion ≥ 80%
    # Hours read as every value of the indicator does, the unit once.
    from django.utils.translation import gettext

    from dangjian.assessment.indicators import value_text

    service = next(c for c in context["criteria"] if c.code == "service")
    assert service.threshold_label == value_text("volunteers.hours_per_member", 4)
    assert f"≥ {service.threshold_label}" in body
    assert f"{service.threshold_label} {gettext('hours')}" not in body
    assert str(context["criteria"][1].indicator_name) in body
    assert context["veto_grade_name"] == "后进"
    assert context["copy_form"] is None  # a branch secretary defines no schemes
    assert not context["can_edit"]


def test_copy_from_the_detail_page_then_edit_and_publish(client_for, personas, org):
    client = client_for("organizer")
    source = shipped("community-tiers")
    page = client.get(f"/assessment/schemes/{source.pk}/")
    owners = list(page.context["copy_form"].fields["owner"].queryset)
    assert org["street"] in owners and org["branch"] not in owners
    response = client.post(f"/assessment/schemes/{source.pk}/copy/", {"owner": org["street"].pk})
    copy = Scheme.objects.get(code="community-tiers-lj01", version=1)
    assert response.status_code == 302 and response["Location"] == f"/assessment/schemes/{copy.pk}/edit/"
    edit = f"/assessment/schemes/{copy.pk}/edit/"
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"part": "criterion", "criterion-code": "study", "criterion-name": "学习教育达标",
                                  "criterion-points": "5", "criterion-evidence": "record",
                                  "criterion-indicator": "orglife.study_completion", "criterion-threshold": "0.8"})
    assert response.status_code == 302
    assert copy.criteria.get(code="study").indicator == "orglife.study_completion"
    # A measured criterion without a threshold: the form comes back with the service's error.
    response = client.post(edit, {"part": "criterion", "criterion-code": "hours", "criterion-name": "志愿服务",
                                  "criterion-points": "5", "criterion-evidence": "none",
                                  "criterion-indicator": "volunteers.hours_per_member"})
    assert response.status_code == 200 and response.context["forms"]["criterion"].errors["threshold"]
    grade = copy.grades.get(code="model")
    response = client.post(edit, {"part": "grade", "pk": grade.pk, "grade-code": "model", "grade-name": "示范型",
                                  "grade-min_points": "95", "grade-rank": "4"})
    assert response.status_code == 302 and copy.grades.get(code="model").min_points == 95
    step = copy.steps.get(code="approval")
    assert client.post(edit, {"part": "step", "pk": step.pk, "delete": "1"}).status_code == 302
    assert list(copy.steps.values_list("order", flat=True)) == [0, 1]
    assert client.post(edit, {"part": "header", "name": "江滨社区分类定级", "unit_kinds": ["community"],
                              "veto_grade": "basic"}).status_code == 302
    response = client.post(f"/assessment/schemes/{copy.pk}/publish/")
    assert response["Location"] == f"/assessment/schemes/{copy.pk}/"
    copy.refresh_from_db()
    assert (copy.status, copy.name) == ("published", "江滨社区分类定级")
    # Published: the edit page sends back to the scheme; edits are refused.
    assert client.get(edit)["Location"] == f"/assessment/schemes/{copy.pk}/"
    client.post(edit, {"part": "grade", "pk": grade.pk, "delete": "1"})
    assert copy.grades.filter(code="model").exists()
    assert client.post(f"/assessment/schemes/{copy.pk}/retire/").status_code == 302
    copy.refresh_from_db()
    assert copy.status == "retired"


def test_publishing_an_incomplete_draft_shows_the_problems(client_for, personas):
    draft = street_draft(personas)
    draft.steps.all().delete()
    client = client_for("organizer")
    response = client.post(f"/assessment/schemes/{draft.pk}/publish/", follow=True)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert response.redirect_chain[-1][0] == f"/assessment/schemes/{draft.pk}/edit/"
    assert len(response.context["problems"]) == 1
    assert [str(m) for m in response.context["messages"]] == response.context["problems"]


@pytest.mark.parametrize("persona,status", [("community", 403), ("auditor", 403), ("branch", 403),
                                            ("city", 200), ("organizer", 200)])
def test_only_those_over_the_owner_open_the_edit_page(client_for, personas, persona, status):
    draft = street_draft(personas)
    assert client_for(persona).get(f"/assessment/schemes/{draft.pk}/edit/").status_code == status


def test_a_scheme_of_another_subtree_is_out_of_sight(client_for, personas, org):
    town = scheme_copy(actor=personas["city"], scheme=shipped("village-stars"), owner=org["town"])
    client = client_for("organizer")
    assert client.get(f"/assessment/schemes/{town.pk}/").status_code == 404
    assert client.post(f"/assessment/schemes/{town.pk}/publish/").status_code == 404
    assert client.get(f"/api/v1/assessment-schemes/{town.pk}/").status_code == 404


# ----- API ------------------------------------------------------------------------------------

def test_api_lists_schemes_with_their_parts_in_a_few_queries(client_for, personas, django_assert_max_num_queries):
    for _ in range(3):
        street_draft(personas)
    client = client_for("branch")
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/assessment-schemes/", {"page_size": 100})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 8  # five shipped, three drafts of the street
    stars = next(r for r in rows if r["code"] == "village-stars")
    assert set(stars) >= {"code", "version", "kind", "name", "description", "owner", "status", "unit_kinds",
                          "veto_grade", "criteria", "grades", "steps"}
    assert stars["owner"] is None and stars["unit_kinds"] == ["village"] and stars["veto_grade"] == "lagging"
    compliance = next(c for c in stars["criteria"] if c["code"] == "organization_life")
    assert compliance["indicator"] == "orglife.meeting_compliance" and compliance["threshold"] == "0.9000"
    assert set(compliance) >= {"code", "name", "points", "evidence", "indicator", "threshold", "is_veto"}
    assert sum(c["is_veto"] for c in stars["criteria"]) == 3
    assert stars["grades"][0] == {"code": "advanced", "name": "先进", "min_points": "8.00", "rank": 3}
    assert stars["steps"][3] == {"order": 3, "code": "notice", "name": "公示", "performer": "parent", "notice_days": 7}


def test_api_filters(client_for, personas):
    draft = street_draft(personas)
    client = client_for("organizer")
    assert {r["kind"] for r in client.get("/api/v1/assessment-schemes/", {"kind": "checklist"}).json()["results"]} == {
        "checklist"}
    drafts = client.get("/api/v1/assessment-schemes/", {"status": "draft"}).json()["results"]
    assert [r["id"] for r in drafts] == [draft.pk]
    family = client.get("/api/v1/assessment-schemes/", {"code": "community-tiers-lj01"}).json()["results"]
    assert [(r["code"], r["version"], r["owner"]) for r in family] == [("community-tiers-lj01", 1, draft.owner_id)]
    assert client.post("/api/v1/assessment-schemes/", {}).status_code == 405
