"""/api/v1/recruitment/: people in the pipeline with their timeline, scoped, filtered, read only."""
import datetime

from dangjian.core.testing import api_ids

from .factories import advance, new_file

D = datetime.date
URL = "/api/v1/recruitment/"


def test_detail_gives_the_timeline_with_computed_dates(client_for, org):
    applicant = new_file(org["branch"], applied_on=D(2025, 9, 1))
    advance(applicant, 15, start=D(2025, 9, 1))
    response = client_for("branch").get(f"{URL}{applicant.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "admission" and body["last_step"] == 15 and body["rule_version"] == "national-recruitment 2014.1"
    steps = {s["number"]: s for s in body["timeline"]}
    assert len(steps) == 25 and steps[1]["status"] == "done" and steps[1]["rule_version"] == "national-recruitment 2014.1"
    admitted = D.fromisoformat(steps[15]["done_on"])
    assert steps[17]["earliest"] == admitted.isoformat() and steps[17]["latest"] and steps[17]["limit"]
    # Probation ends a year after the branch meeting; that year (2026 or later) decides provisional marks.
    assert body["probation_end"] == admitted.replace(year=admitted.year + 1).isoformat()
    assert steps[24]["latest_provisional"] is True  # 2027: no official calendar loaded yet
    assert steps[13]["group"].startswith("第四步") and steps[13]["title"] == "上级党委预审"
    assert {c["role"] for c in body["contacts"]} == {"mentor", "sponsor"}
    assert "id_number" not in body and "phone" not in body


def test_list_is_scoped_and_filtered(client_for, org):
    here = new_file(org["branch"], applied_on=D(2026, 10, 5), name="甲")
    there = new_file(org["sibling"], applied_on=D(2026, 10, 5), name="乙")
    activist = new_file(org["branch"], applied_on=D(2025, 4, 7), name="丙")
    advance(activist, 3, start=D(2025, 4, 7))
    sibling = client_for("sibling")
    assert there.pk in api_ids(sibling, URL) and here.pk not in api_ids(sibling, URL)
    assert sibling.get(f"{URL}{here.pk}/").status_code == 404
    community = client_for("community")
    assert {here.pk, there.pk, activist.pk} <= set(api_ids(community, URL))
    assert set(api_ids(community, URL, org=org["branch"].pk)) >= {here.pk, activist.pk}
    assert there.pk not in api_ids(community, URL, org=org["branch"].pk)
    assert activist.pk in api_ids(community, URL, stage="activist") and here.pk not in api_ids(community, URL,
                                                                                               stage="activist")
    assert community.get(URL, {"stage": "nonsense"}).status_code == 400
    assert community.get(URL, {"org": "x"}).status_code == 400
    assert community.post(URL, {}, content_type="application/json").status_code == 405
    assert client_for(None).get(URL).status_code in (401, 403)


def test_list_takes_a_bounded_number_of_queries(client_for, org, django_assert_max_num_queries):
    for i in range(12):
        new_file(org["branch"], applied_on=D(2026, 9, 1) + datetime.timedelta(days=i), name=f"名单{i}")
    client = client_for("community")
    client.get(URL)
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"page_size": 200}).status_code == 200
