"""/api/v1/grids/ and /api/v1/households/: scope, counts, masked phones, logged reads, writes."""
import pytest

from dangjian.core.models import AuditEntry
from dangjian.grid.models import Grid, Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_grid():
    return Grid.objects.get(code="JB0101")


def test_grids_scoped_with_counts(client_for, first_grid, org, django_assert_max_num_queries):
    rows = client_for("grid").get("/api/v1/grids/").json()["results"]
    assert [r["code"] for r in rows] == ["JB0101"]
    assert rows[0]["household_count"] == 96 and rows[0]["building_count"] == 4
    assert rows[0]["staff"] == [{"role": "grid_worker", "name": "王网格"}]
    client = client_for("organizer")
    with django_assert_max_num_queries(12):
        data = client.get("/api/v1/grids/").json()
    assert data["count"] == 13
    assert client.get("/api/v1/grids/", {"org": org["community"].pk}).json()["count"] == 3
    assert client_for("sibling").get("/api/v1/grids/").json()["count"] == 0
    assert client_for("resident").get(f"/api/v1/grids/{first_grid.pk}/").status_code == 404
    detail = client_for("community").get(f"/api/v1/grids/{first_grid.pk}/").json()
    assert len(detail["buildings"]) == 4 and sum(b["household_count"] for b in detail["buildings"]) == 96
    assert {"lat", "long"} <= set(detail["buildings"][0])


def test_households_masked_and_filtered(client_for, first_grid, django_assert_max_num_queries):
    client = client_for("grid")
    with django_assert_max_num_queries(10):
        data = client.get("/api/v1/households/", {"page_size": 200}).json()
    assert data["count"] == 96
    row = data["results"][0]
    assert "contact_phone" not in row and "*" in row["phone_masked"]
    building = first_grid.buildings.order_by("name").first()
    assert client.get("/api/v1/households/", {"building": building.pk}).json()["count"] == 24
    assert client_for("community").get("/api/v1/households/", {"grid": first_grid.pk}).json()["count"] == 96
    assert client_for("team").get("/api/v1/households/").json()["count"] == 0


def test_household_reads_logged(client_for, first_grid):
    client = client_for("grid")
    page = client.get("/api/v1/households/").json()  # the first page shows tagged households: logged
    shown = sorted(r["id"] for r in page["results"] if r["tags"])
    assert shown and AuditEntry.objects.filter(action="household.read").latest("id").changes["tagged"] == shown
    data = client.get("/api/v1/households/", {"tag": "elderly_alone"}).json()
    entry = AuditEntry.objects.filter(action="household.read").latest("id")
    assert entry.changes == {"filters": "tag=elderly_alone", "count": data["count"],
                             "tagged": sorted(r["id"] for r in data["results"])}
    assert all("elderly_alone" in r["tags"] for r in data["results"])
    before = AuditEntry.objects.filter(action="household.read").count()
    tagged = Household.objects.filter(building__grid=first_grid).exclude(tags="").first()
    plain = Household.objects.filter(building__grid=first_grid, tags="").first()
    client.get(f"/api/v1/households/{plain.pk}/")
    assert AuditEntry.objects.filter(action="household.read").count() == before  # nothing sensitive read
    assert client.get(f"/api/v1/households/{tagged.pk}/").json()["tags"] == tagged.tag_list
    assert AuditEntry.objects.filter(action="household.read", object_id=str(tagged.pk)).count() == 1


def test_household_create_and_patch(client_for, first_grid):
    client = client_for("grid")
    building = first_grid.buildings.order_by("name").first()
    response = client.post("/api/v1/households/", {"building": building.pk, "room": "7-701", "size": 3,
                                                    "contact_phone": "13700001234", "tags": ["disabled"]},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone_masked"] and "contact_phone" not in body and body["tags"] == ["disabled"]
    household = Household.objects.get(pk=body["id"])
    assert household.contact_phone == "13700001234"
    response = client.patch(f"/api/v1/households/{household.pk}/", {"size": 4, "contact_phone": "1"},
                            content_type="application/json")
    assert response.status_code == 400 and "contact_phone" in response.json()
    response = client.patch(f"/api/v1/households/{household.pk}/", {"size": 4, "active": False},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["active"] is False
    # Another grid's building is answered as missing; an auditor may not change.
    other = Grid.objects.get(code="JB0102").buildings.first()
    response = client.post("/api/v1/households/", {"building": other.pk, "room": "1"}, content_type="application/json")
    assert response.status_code == 400 and "building" in response.json()
    auditor = client_for("auditor")
    assert auditor.patch(f"/api/v1/households/{household.pk}/", {"size": 1},
                         content_type="application/json").status_code == 403
    assert auditor.post("/api/v1/households/", {"building": building.pk, "room": "7-702"},
                        content_type="application/json").status_code == 403
