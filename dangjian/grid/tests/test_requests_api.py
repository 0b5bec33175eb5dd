"""/api/v1/requests/: scoped list, detail with log and allowed actions, staff filing, steps."""
import pytest
from rest_framework.test import APIClient

from dangjian.grid.choices import RequestStatus
from dangjian.grid.models import Building, Grid, ServiceRequest

pytestmark = pytest.mark.django_db


def api(personas, name):
    client = APIClient()
    client.force_authenticate(personas[name])
    return client


def test_list_scoped_and_filtered(personas, django_assert_max_num_queries):
    client = api(personas, "grid")
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/requests/").json()["results"]
    grid = Grid.objects.get(name="滨河社区第1网格")
    assert rows and {r["grid"] for r in rows} == {grid.pk}
    assert "contact_phone" not in rows[0]
    rows = api(personas, "community").get("/api/v1/requests/", {"status": "reported"}).json()["results"]
    assert rows and {r["status"] for r in rows} == {"reported"}
    assert api(personas, "sibling").get("/api/v1/requests/").json()["count"] == 0


def test_file_and_dispatch_through_api(personas):
    grid = Grid.objects.get(name="滨河社区第1网格")
    building = Building.objects.filter(grid=grid).first()
    response = api(personas, "grid").post("/api/v1/requests/", {
        "category": "environment", "description": "垃圾满了", "building": building.pk}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["allowed_actions"] == []
    client = api(personas, "community")
    detail = client.get(f"/api/v1/requests/{pk}/").json()
    assert "accept" in detail["allowed_actions"] and detail["transitions"][0]["action"] == "file"
    url = f"/api/v1/requests/{pk}/transitions/"
    assert client.post(url, {"action": "accept", "expected_status": "reported"}, format="json").status_code == 200
    assert client.post(url, {"action": "register"}, format="json").status_code == 200
    bad = client.post(url, {"action": "accept", "expected_status": "reported"}, format="json")
    assert bad.status_code == 400
    done = client.post(url, {"action": "dispatch", "expected_status": "registered", "note": "请处理"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == RequestStatus.DISPATCHED
    log = client.get(url).json()
    assert [row["action"] for row in log] == ["file", "accept", "register", "dispatch"]
    assert api(personas, "grid").post(url, {"action": "handle", "note": "x"}, format="json").status_code == 403
    assert api(personas, "sibling").post(url, {"action": "handle", "note": "x"}, format="json").status_code == 404
    team = api(personas, "team").post(url, {"action": "send_back"}, format="json")
    assert team.status_code == 400 and "note" in team.json()


def test_staff_filing_refused_outside_grids(personas):
    other = Building.objects.exclude(grid__name="滨河社区第1网格").first()
    for persona in ("grid", "resident"):  # a building out of sight answers as a missing one
        response = api(personas, persona).post("/api/v1/requests/", {
            "category": "environment", "description": "x", "building": other.pk}, format="json")
        assert response.status_code == 400 and "building" in response.json()
    first = Building.objects.filter(grid__name="滨河社区第1网格").first()
    assert api(personas, "resident").post("/api/v1/requests/", {  # residents file on their own pages
        "category": "environment", "description": "x", "building": first.pk}, format="json").status_code in (400, 403)


def test_schema_mentions_requests(client):
    assert "/api/v1/requests/{id}/transitions/" in client.get("/api/schema/").content.decode()


def test_resident_sees_own_only(personas):
    rows = api(personas, "resident").get("/api/v1/requests/").json()["results"]
    assert {ServiceRequest.objects.get(pk=r["id"]).reporter_id for r in rows} == {personas["resident"].pk}
