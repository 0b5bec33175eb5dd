"""Service teams, their members and the request categories: services and pages."""
import pytest
from django.core.exceptions import ValidationError

from dangjian.accounts.models import User
from dangjian.core.audit import AuditEntry
from dangjian.grid import services_teams as services
from dangjian.grid.choices import TeamLevel, TeamUnitKind
from dangjian.grid.models import RequestCategory, ServiceRequest, ServiceTeam, TeamMember
from dangjian.grid.models.scope import team_ids_of


@pytest.fixture
def binhe_team():
    return ServiceTeam.objects.get(name="滨河社区服务团队")


def test_team_create_checks_organization_and_single_default(personas, org):
    actor = personas["community"]
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=actor, organization=org["community"], name="第二团队", level=TeamLevel.COMMUNITY,
                             is_default=True)
    assert "is_default" in exc.value.message_dict  # 滨河社区服务团队 is the default already
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=actor, organization=org["branch"], name="支部团队", level=TeamLevel.COMMUNITY)
    assert "organization" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.team_create(actor=actor, organization=org["community"], name="街道团队", level=TeamLevel.SUBDISTRICT)
    team = services.team_create(actor=actor, organization=org["community"], name="滨河物业专班",
                                level=TeamLevel.COMMUNITY, categories=list(RequestCategory.objects.filter(
                                    code__in=["property", "parking"])))
    assert set(team.categories.values_list("code", flat=True)) == {"property", "parking"}
    assert AuditEntry.objects.filter(action="team.created", object_id=str(team.pk)).exists()


def test_team_update_default_moves_only_after_the_old_one_gives_it_up(personas, binhe_team, org):
    actor = personas["community"]
    other = services.team_create(actor=actor, organization=org["community"], name="滨河二队", level=TeamLevel.COMMUNITY)
    with pytest.raises(ValidationError):
        services.team_update(actor=actor, team=other, is_default=True)
    services.team_update(actor=actor, team=binhe_team, is_default=False)
    services.team_update(actor=actor, team=other, is_default=True)
    assert ServiceTeam.objects.filter(organization=org["community"], is_default=True).get() == other


def test_member_with_account_reaches_the_team_requests_until_deactivated(personas, binhe_team):
    actor = personas["community"]
    user = User.objects.create(username="police-zhang", full_name="张警官")
    assert team_ids_of(user) == ()
    assert not ServiceRequest.objects.restrict(user, "view").exists()
    member = services.team_member_add(actor=actor, team=binhe_team, name="张警官", unit_kind=TeamUnitKind.POLICE,
                                      unit_name="江滨派出所", duty="社区民警", user=user)
    assert binhe_team.pk in team_ids_of(user)  # the cache was cleared
    user.__dict__.pop("_scope_cache", None)
    assert ServiceRequest.objects.restrict(user, "view").filter(team=binhe_team).exists()
    services.team_member_update(actor=actor, member=member, active=False)
    assert team_ids_of(user) == ()
    assert AuditEntry.objects.filter(action="team_member.updated", object_id=str(member.pk)).exists()


def test_member_account_only_once_per_team(personas, binhe_team):
    with pytest.raises(ValidationError) as exc:
        services.team_member_add(actor=None, team=binhe_team, name="又一个", unit_kind=TeamUnitKind.OTHER,
                                 user=personas["team"])
    assert "user" in exc.value.message_dict


def test_validate_attributes():
    ok = services.validate_attributes([{"code": "floor", "datatype": "number", "description": "哪一层？"},
                                       {"code": "kind", "datatype": "singlevaluelist", "description": "类型",
                                        "required": True, "values": [{"key": "a", "name": "甲"}]}])
    assert ok[0]["order"] == 1 and ok[0]["variable"] is True and "values" not in ok[0]
    assert ok[1]["values"] == [{"key": "a", "name": "甲"}]
    for bad in ({"code": "x"}, [{"code": "x", "datatype": "color", "description": "?"}],
                [{"code": "x", "datatype": "singlevaluelist", "description": "?"}],
                [{"code": "x", "datatype": "string", "description": "?"}] * 2, ["x"]):
        with pytest.raises(ValidationError):
            services.validate_attributes(bad)


def test_category_update(personas):
    category = RequestCategory.objects.get(code="noise")
    services.request_category_update(actor=personas["admin"], category=category, keywords="噪音，装修",
                                      attributes=[{"code": "time", "datatype": "string", "description": "什么时候？"}])
    category.refresh_from_db()
    assert category.keywords == "噪音,装修" and category.attributes[0]["code"] == "time"


# ----- pages ---------------------------------------------------------------------------------

def test_team_list_for_the_community_secretary(client_for, django_assert_max_num_queries):
    client = client_for("community")
    client.get("/grid/teams/")
    with django_assert_max_num_queries(12):
        response = client.get("/grid/teams/")
    names = {t.name for t in response.context["teams"]}
    assert names == {"滨河社区服务团队"}
    team = response.context["teams"][0]
    assert team.member_count == 5 and team.open_count > 0


def test_team_list_for_the_organizer_shows_every_team_without_n_plus_one(client_for, django_assert_max_num_queries):
    client = client_for("organizer")
    client.get("/grid/teams/")
    with django_assert_max_num_queries(12):
        response = client.get("/grid/teams/")
    assert len(response.context["teams"]) == 8  # six community teams and two of the sub-district


def test_team_member_sees_own_team_only(client_for, binhe_team):
    client = client_for("team")
    response = client.get("/grid/teams/")
    assert [t.pk for t in response.context["teams"]] == [binhe_team.pk]
    assert client.get(f"/grid/teams/{binhe_team.pk}/").status_code == 200
    assert client.get(f"/grid/teams/{binhe_team.pk}/edit/").status_code == 403
    other = ServiceTeam.objects.get(name="望江社区服务团队")
    assert client.get(f"/grid/teams/{other.pk}/").status_code == 404


def test_team_detail(client_for, binhe_team):
    response = client_for("community").get(f"/grid/teams/{binhe_team.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/grid/requests/?team={binhe_team.pk}" in body
    assert "赵下沉" in body and "team" in body  # the leader's account
    assert response.context["can_change"]


def test_create_team_page(client_for, org):
    client = client_for("community")
    response = client.post("/grid/teams/new/", {"organization": org["community"].pk, "name": "滨河夜间专班",
                                                "level": TeamLevel.COMMUNITY, "description": "夜间噪音",
                                                "categories": [RequestCategory.objects.get(code="noise").pk]})
    team = ServiceTeam.objects.get(name="滨河夜间专班")
    assert response.status_code == 302 and response["Location"] == f"/grid/teams/{team.pk}/"
    response = client.post("/grid/teams/new/", {"organization": org["community"].pk, "name": "再来一个默认",
                                                "level": TeamLevel.COMMUNITY, "is_default": "on"})
    assert response.status_code == 200 and response.context["form"].errors["is_default"]


def test_team_create_refused_without_a_community(client_for):
    assert client_for("branch").get("/grid/teams/new/").status_code == 403
    assert client_for("grid").get("/grid/teams/new/").status_code == 403


def test_member_add_and_edit_pages(client_for, binhe_team):
    client = client_for("community")
    response = client.post(f"/grid/teams/{binhe_team.pk}/members/new/", {
        "name": "李老师", "unit_kind": TeamUnitKind.SCHOOL, "unit_name": "江滨中学", "duty": "", "user": "nobody-xyz"})
    assert response.status_code == 200 and response.context["form"].errors["user"]
    response = client.post(f"/grid/teams/{binhe_team.pk}/members/new/", {
        "name": "李老师", "unit_kind": TeamUnitKind.SCHOOL, "unit_name": "江滨中学", "user": "resident"})
    assert response.status_code == 302
    member = TeamMember.objects.get(team=binhe_team, name="李老师")
    assert member.user.username == "resident"
    response = client.post(f"/grid/team-members/{member.pk}/edit/", {
        "name": "李老师", "unit_kind": TeamUnitKind.SCHOOL, "unit_name": "江滨中学", "user": "resident"})
    member.refresh_from_db()
    assert response.status_code == 302 and not member.active  # the box was left unticked


def test_member_edit_out_of_sight(client_for):
    other = TeamMember.objects.filter(team__name="望江社区服务团队").first()
    assert client_for("community").get(f"/grid/team-members/{other.pk}/edit/").status_code == 404


def test_categories_for_administrators_only(client_for):
    assert client_for("community").get("/grid/categories/").status_code == 403
    client = client_for("admin")
    response = client.get("/grid/categories/")
    assert response.status_code == 200 and len(response.context["categories"]) >= 10
    category = RequestCategory.objects.get(code="parking")
    response = client.post(f"/grid/categories/{category.pk}/edit/", {
        "name": "停车秩序", "group": "市容环境", "description": "", "keywords": "停车", "default_urgency": "general",
        "order": 7, "active": "on", "attributes": "[{\"code\": \"plate\", \"datatype\": \"text\"}]"})
    assert response.status_code == 200 and response.context["form"].errors["attributes"]
    response = client.post(f"/grid/categories/{category.pk}/edit/", {
        "name": "停车秩序", "group": "市容环境", "description": "", "keywords": "停车", "default_urgency": "general",
        "order": 7, "active": "on", "attributes": "not json"})
    assert response.context["form"].errors["attributes"]
    response = client.post("/grid/categories/new/", {
        "code": "pets", "name": "宠物扰民", "group": "", "description": "", "keywords": "", "default_urgency": "general",
        "order": 20, "active": "on", "attributes": ""})
    assert response.status_code == 302 and RequestCategory.objects.filter(code="pets").exists()
