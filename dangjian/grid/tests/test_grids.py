"""Grids, buildings, households, visits and grid staff: services, selectors and pages."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.access import Role
from dangjian.core.models import AuditEntry
from dangjian.grid import selectors_grids as selectors
from dangjian.grid import services_grids as services
from dangjian.grid.choices import HouseholdTag, VisitKind
from dangjian.grid.models import Building, Grid, GridVisit, Household

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def first_grid():
    """The grid the ``grid`` persona works in (滨河第1网格)."""
    return Grid.objects.get(code="JB0101")


@pytest.fixture
def other_grid():
    return Grid.objects.get(code="JB0102")


@pytest.fixture
def sample(org):
    """A hand-counted grid: 4 households (one moved out) in one building, and visits around November 2026."""
    grid = Grid.objects.create(organization=org["community"], name="样本网格", code="TEST01")
    building = Building.objects.create(grid=grid, name="样本1号楼")
    h1, h2, h3, gone = (Household.objects.create(building=building, room=f"1-10{n}", active=n != 4)
                        for n in (1, 2, 3, 4))
    nov = datetime.date(2026, 11, 3)
    visits = [
        (h1, VisitKind.DOOR, nov), (h1, VisitKind.PHONE, nov + datetime.timedelta(days=5)),  # h1 twice: counts once
        (h2, VisitKind.DOOR, datetime.date(2026, 10, 31)),  # last month
        (h3, VisitKind.PATROL, datetime.date(2026, 11, 30)),  # a patrol naming the household, last day
        (gone, VisitKind.DOOR, nov),  # moved out: not counted
        (None, VisitKind.PATROL, nov),  # patrol of the building: names no household
    ]
    GridVisit.objects.bulk_create([GridVisit(grid=grid, building=building, household=h, kind=k, visited_on=d,
                                             visitor_name="测试") for h, k, d in visits])
    return {"grid": grid, "building": building, "households": (h1, h2, h3, gone)}


# Selectors -----------------------------------------------------------------------------------

def test_patrol_coverage_hand_counted(sample):
    grid = sample["grid"]
    nov = selectors.patrol_coverage(grid_ids=[grid.pk], start=datetime.date(2026, 11, 1),
                                    end=datetime.date(2026, 11, 30))
    assert nov == {grid.pk: (2, 3)}  # h1 and h3 of the three living there
    oct_ = selectors.patrol_coverage(grid_ids=[grid.pk], start=datetime.date(2026, 10, 1),
                                     end=datetime.date(2026, 10, 31))
    assert oct_ == {grid.pk: (1, 3)}
    empty = Grid.objects.create(organization=grid.organization, name="空网格", code="TEST02")
    assert selectors.patrol_coverage(grid_ids=[empty.pk], start=TODAY, end=TODAY) == {empty.pk: (0, 0)}
    assert selectors.coverage_percent(2, 3) == 66.7
    assert selectors.coverage_percent(0, 0) is None


def test_grid_summaries_hand_counted_and_few_queries(sample, django_assert_max_num_queries):
    grids = list(Grid.objects.filter(organization=sample["grid"].organization))
    with django_assert_max_num_queries(5):
        summaries = selectors.grid_summaries(grids, datetime.date(2026, 11, 15))
    row = next(s for s in summaries if s.grid == sample["grid"])
    assert (row.buildings, row.households, row.visits, row.visited, row.coverage) == (1, 3, 5, 2, 66.7)
    binhe = next(s for s in summaries if s.grid.code == "JB0101")
    assert binhe.staff_names == ["王网格"]
    assert binhe.households == 96


def test_households_needing_visit(sample):
    due = selectors.households_needing_visit(sample["grid"], datetime.date(2026, 11, 20))
    # h1 (Nov 8) is recent; h2 (Oct 31) is 20 days back; h3 only later (Nov 30, after today); moved out excluded.
    h1, h2, h3, gone = sample["households"]
    assert set(due) == {h3}


# Services ------------------------------------------------------------------------------------

def test_grid_create_checks_and_logs(personas, org):
    grid = services.grid_create(actor=personas["community"], organization=org["community"],
                                data={"name": "滨河第4网格", "code": "JB0104", "description": "", "lat": None,
                                      "long": None})
    assert AuditEntry.objects.filter(action="grid.created", object_id=str(grid.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        services.grid_create(actor=None, organization=org["branch"],
                             data={"name": "x", "code": "JB0104", "lat": 30, "long": None})
    assert set(exc.value.message_dict) == {"organization", "code", "long"}


def test_staff_assign_and_remove(personas, first_grid):
    user = User.objects.create_user("worker2", full_name="新网格员")
    assert Grid.objects.restrict(user, "view").count() == 0  # caches the scope on the user object
    assignment = services.grid_staff_assign(actor=personas["community"], grid=first_grid, user=user,
                                            role=Role.GRID_LEADER)
    assert list(Grid.objects.restrict(user, "view")) == [first_grid]
    with pytest.raises(ValidationError):  # one leader a grid
        services.grid_staff_assign(actor=None, grid=first_grid, user=personas["admin"], role=Role.GRID_LEADER)
    with pytest.raises(ValidationError):  # already there
        services.grid_staff_assign(actor=None, grid=first_grid, user=user, role=Role.GRID_WORKER)
    services.grid_staff_remove(actor=personas["community"], assignment=assignment)
    assert Grid.objects.restrict(user, "view").count() == 0
    assert AuditEntry.objects.filter(action__in=["grid.staff_assigned", "grid.staff_removed"],
                                     object_id=str(first_grid.pk)).count() == 2


def test_household_phone_encrypted_masked_and_revealed(personas, first_grid):
    building = first_grid.buildings.first()
    household = services.household_create(actor=personas["grid"], building=building,
                                          data={"room": "9-901", "size": 2, "contact_phone": "139 1234 5678",
                                                "tags": [HouseholdTag.ELDERLY_ALONE]})
    household.refresh_from_db()
    assert household.phone_last4 == "5678" and household.phone_masked.startswith("139")
    assert "1234" not in household.phone_masked and household.tags == ",elderly_alone,"
    with pytest.raises(ValidationError) as exc:
        services.household_create(actor=None, building=building, data={"room": "9-901", "contact_phone": "123"})
    assert set(exc.value.message_dict) == {"room", "contact_phone"}
    services.household_update(actor=personas["grid"], household=household, data={"contact_phone": "", "size": 3})
    assert Household.objects.get(pk=household.pk).contact_phone == "13912345678"  # blank keeps the number
    with pytest.raises(ValidationError):
        services.household_reveal(actor=personas["grid"], household=household, purpose=" ")
    assert services.household_reveal(actor=personas["grid"], household=household, purpose="上门走访联系") == "13912345678"
    entry = AuditEntry.objects.get(action="household.revealed", object_id=str(household.pk))
    assert entry.note == "上门走访联系"


def test_visit_record_checks(personas, first_grid, other_grid):
    household = Household.objects.filter(building__grid=first_grid).first()
    visit = services.visit_record(actor=personas["grid"], grid=first_grid, kind=VisitKind.DOOR, household=household,
                                  visited_on=TODAY)
    assert visit.building == household.building and visit.visitor_name == "王网格"
    with pytest.raises(ValidationError) as exc:
        services.visit_record(actor=None, grid=other_grid, kind=VisitKind.DOOR, household=household,
                              visited_on=datetime.date(2099, 1, 1))
    assert set(exc.value.message_dict) == {"building", "visited_on"}
    with pytest.raises(ValidationError) as exc:
        services.visit_record(actor=None, grid=first_grid, kind=VisitKind.PHONE)
    assert set(exc.value.message_dict) == {"household"}
    patrol = services.visit_record(actor=personas["grid"], grid=first_grid, kind=VisitKind.PATROL)
    assert patrol.building is None and patrol.household is None


# Scoping -------------------------------------------------------------------------------------

def test_grid_worker_sees_only_their_grid(client_for, first_grid, other_grid):
    client = client_for("grid")
    response = client.get(reverse("grid:grids"))
    assert [s.grid for s in response.context["summaries"]] == [first_grid]
    assert client.get(reverse("grid:grid", args=[first_grid.pk])).status_code == 200
    assert client.get(reverse("grid:grid", args=[other_grid.pk])).status_code == 404
    elsewhere = Household.objects.filter(building__grid=other_grid).first()
    assert client.get(reverse("grid:household", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("grid:visit_add", args=[other_grid.pk])).status_code == 404
    # The grid worker works inside the grid but does not manage it.
    assert client.get(reverse("grid:grid_edit", args=[first_grid.pk])).status_code == 403
    assert client.get(reverse("grid:staff", args=[first_grid.pk])).status_code == 403


def test_sibling_and_resident_see_no_grid(client_for, personas, first_grid):
    assert Grid.objects.restrict(personas["sibling"], "view").count() == 0
    assert Household.objects.restrict(personas["resident"], "view").count() == 0
    client = client_for("sibling")
    assert client.get(reverse("grid:grids")).context["summaries"] == []
    assert client.get(reverse("grid:grid", args=[first_grid.pk])).status_code == 404
    client = client_for("resident")
    assert client.get(reverse("grid:grids")).status_code == 403
    assert client.get(reverse("grid:grid", args=[first_grid.pk])).status_code == 404


def test_community_sees_its_grids(client_for):
    response = client_for("community").get(reverse("grid:grids"))
    assert sorted(s.grid.code for s in response.context["summaries"]) == ["JB0101", "JB0102", "JB0103"]
    assert response.context["can_add"]


# Pages ---------------------------------------------------------------------------------------

def test_list_pages_query_counts(client_for, first_grid, django_assert_max_num_queries):
    client = client_for("organizer")  # every grid of the sub-district
    with django_assert_max_num_queries(20):
        response = client.get(reverse("grid:grids"))
    assert len(response.context["summaries"]) == 13
    with django_assert_max_num_queries(20):
        assert client.get(reverse("grid:households", args=[first_grid.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("grid:grid", args=[first_grid.pk])).status_code == 200


def test_grid_detail_and_mine(client_for, first_grid):
    client = client_for("grid")
    response = client.get(reverse("grid:grid", args=[first_grid.pk]))
    assert response.context["coverage"]["households"] == 96
    assert f"/grid/requests/?grid={first_grid.pk}" in response.content.decode()
    mine = client.get(reverse("grid:mine"))
    assert [row["grid"] for row in mine.context["rows"]] == [first_grid]
    assert f"/grid/requests/new/?grid={first_grid.pk}" in mine.content.decode()
    assert client_for("resident").get(reverse("grid:mine")).context["rows"] == []


def test_tagged_reads_are_logged(client_for, first_grid):
    client = client_for("grid")
    tagged = Household.objects.filter(building__grid=first_grid).exclude(tags="").first()
    plain = Household.objects.filter(building__grid=first_grid, tags="").first()
    before = AuditEntry.objects.filter(action="household.read").count()
    assert client.get(reverse("grid:household", args=[plain.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="household.read").count() == before
    assert client.get(reverse("grid:household", args=[tagged.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="household.read", object_id=str(tagged.pk)).count() == 1
    client.get(reverse("grid:households", args=[first_grid.pk]), {"tag": "elderly_alone"})
    entry = AuditEntry.objects.filter(action="household.read").latest("id")
    expected = Household.objects.filter(building__grid=first_grid, active=True, tags__contains=",elderly_alone,").count()
    assert entry.changes["count"] == expected and "tag=elderly_alone" in entry.changes["filters"]
    assert AuditEntry.objects.filter(action="household.read").count() == before + 2


def test_reveal_page(client_for, first_grid):
    household = Household.objects.filter(building__grid=first_grid).exclude(phone_masked="").first()
    url = reverse("grid:household_reveal", args=[household.pk])
    client = client_for("grid")
    assert client.get(url).status_code == 405
    response = client.post(url, {"purpose": ""})
    assert not AuditEntry.objects.filter(action="household.revealed", object_id=str(household.pk)).exists()
    response = client.post(url, {"purpose": "联系住户"}, headers={"HX-Request": "true"})
    assert Household.objects.get(pk=household.pk).contact_phone in response.content.decode()
    assert AuditEntry.objects.filter(action="household.revealed", object_id=str(household.pk)).count() == 1
    assert client_for("auditor").post(url, {"purpose": "查看"}).status_code == 403


def test_manage_pages(client_for, first_grid, personas):
    client = client_for("community")
    response = client.post(reverse("grid:grid_create"), {"organization": first_grid.organization_id,
                                                         "name": "滨河第9网格", "code": "JB0109"})
    grid = Grid.objects.get(code="JB0109")
    assert response.status_code == 302 and response["Location"] == reverse("grid:grid", args=[grid.pk])
    client.post(reverse("grid:building_add", args=[grid.pk]), {"name": "新楼", "kind": "residential", "floors": 6})
    building = grid.buildings.get()
    client.post(reverse("grid:building_edit", args=[building.pk]), {"name": "新楼A", "kind": "residential"})
    assert Building.objects.get(pk=building.pk).name == "新楼A"
    client.post(reverse("grid:grid_edit", args=[grid.pk]), {"name": "滨河第9网格", "code": "JB0109",
                                                            "description": "新建", "active": "on"})
    assert Grid.objects.get(pk=grid.pk).description == "新建"
    client.post(reverse("grid:staff", args=[grid.pk]), {"do": "assign", "user": "王网格", "role": "grid_leader"})
    assignment = RoleAssignment.objects.get(grid=grid)
    assert assignment.user == personas["grid"] and assignment.role == Role.GRID_LEADER
    client.post(reverse("grid:staff", args=[grid.pk]), {"do": "remove", "assignment": assignment.pk})
    assert not RoleAssignment.objects.filter(grid=grid).exists()
    assert client_for("branch").get(reverse("grid:grid_create")).status_code == 403


def test_household_and_visit_forms(client_for, first_grid):
    client = client_for("grid")
    building = first_grid.buildings.order_by("name").first()
    response = client.post(reverse("grid:household_add", args=[first_grid.pk]), {
        "building": building.pk, "room": "8-801", "size": 2, "contact_name": "张阿姨", "contact_phone": "13800001111",
        "tags": ["elderly_alone"]})
    assert response.status_code == 302
    household = Household.objects.get(building=building, room="8-801")
    assert household.phone_masked and household.tag_list == ["elderly_alone"]
    response = client.post(reverse("grid:household_edit", args=[household.pk]), {"room": "8-801", "size": 1,
                                                                                 "contact_phone": "12"})
    assert response.status_code == 200 and response.context["form"].errors["contact_phone"]
    # The household choices follow the building (htmx).
    part = client.get(reverse("grid:visit_add", args=[first_grid.pk]), {"part": "households", "building": building.pk},
                      headers={"HX-Request": "true"})
    assert "8-801" in part.content.decode()
    response = client.post(reverse("grid:visit_add", args=[first_grid.pk]), {
        "building": building.pk, "household": household.pk, "kind": "door", "visited_on": "2026-11-20",
        "note": "一切正常"})
    assert response.status_code == 302 and response["Location"] == reverse("grid:mine")
    assert GridVisit.objects.filter(household=household, visitor__username="grid").exists()
    page = client.get(reverse("grid:visit_add", args=[first_grid.pk]), {"household": household.pk})
    assert page.context["form"].initial["household"] == household


def test_grid_staff_are_not_the_communitys_people_for_notices(org):
    from dangjian.notices.selectors import recipients

    names = set(recipients([org["community"]], roles_only=True).values_list("username", flat=True))
    assert "community" in names and "grid" not in names


def test_grid_workers_workbench_counts_households_not_visited(personas):
    import datetime

    from dangjian.grid.models import Household
    from dangjian.grid.workbench import personal_items

    grid = Grid.objects.get(name="滨河社区第1网格")
    today = datetime.date(2026, 11, 20)
    since = today - datetime.timedelta(days=30)
    expected = Household.objects.filter(building__grid=grid, active=True).exclude(
        visits__visited_on__gt=since).count()
    items = [i for i in personal_items(user=personas["grid"], today=today) if i["url"] == "/grid/mine/"]
    assert expected and len(items) == 1 and str(expected) in items[0]["text"]
