"""Organization pages: tree, detail, the structure forms and history, as users work them."""
from dangjian.organizations.choices import OrgStatus
from dangjian.organizations.models import LeadershipPost, Organization


def test_tree_shows_the_scope_roots_with_counts(client_for, org):
    response = client_for("community").get("/orgs/")
    roots = response.context["roots"]
    assert [r.pk for r in roots] == [org["community"].pk]
    assert roots[0].member_count == sum(c.member_count for c in roots[0].children_list)


def test_children_load_for_expanding(client_for, org):
    html = client_for("organizer").get(f"/orgs/{org['community'].pk}/children/").content.decode()
    assert "滨河社区第一党支部" in html and "<li>" in html


def test_detail_shows_team_counts_and_warnings(client_for, org):
    response = client_for("organizer").get(f"/orgs/{org['branch'].pk}/")
    assert response.context["breakdown"]["total"] == org["branch"].members.on_roll().count()
    assert {p.kind.code for p in response.context["posts"]} >= {"secretary"}
    tower = Organization.objects.get(name="江滨国际商务大厦联合党支部")
    html = client_for("organizer").get(f"/orgs/{tower.pk}/").content.decode()
    assert "正式党员仅 2 名" in html


def test_create_child_and_see_it_in_history(client_for, org):
    client = client_for("community")
    response = client.post(f"/orgs/{org['community'].pk}/add/", {
        "name": "滨河社区流动党员党支部", "short_name": "", "code": "LJNEW1", "org_type": "temporary_branch",
        "unit_kind": "community", "established_on": "2026-11-01",
    })
    new = Organization.objects.get(code="LJNEW1")
    assert response.status_code == 302 and Organization.objects.get_parent(new) == org["community"]
    html = client.get(f"/orgs/{new.pk}/history/").content.decode()
    assert "成立党组织" in html


def test_duplicate_code_shows_a_chinese_error(client_for, org):
    response = client_for("community").post(f"/orgs/{org['community'].pk}/add/", {
        "name": "重复编码支部", "code": org["branch"].code, "org_type": "branch", "unit_kind": "community",
    })
    assert response.status_code == 200
    assert "已被其他党组织使用" in response.content.decode()


def test_move_form_offers_only_permitted_targets(client_for, org):
    response = client_for("community").get(f"/orgs/{org['branch'].pk}/move/")
    targets = set(response.context["form"].fields["new_parent"].queryset.values_list("pk", flat=True))
    assert org["city"].pk not in targets and org["branch"].pk not in targets
    assert targets <= set(org["community"].subtree().values_list("pk", flat=True))


def test_merge_through_the_page(client_for, org):
    client = client_for("organizer")
    response = client.post(f"/orgs/{org['sibling'].pk}/merge/", {"target": org["branch"].pk, "on": "2026-11-21"})
    assert response.status_code == 302
    org["sibling"].refresh_from_db()
    assert org["sibling"].status == OrgStatus.MERGED


def test_post_appoint_and_end(client_for, org):
    client = client_for("branch")
    member = org["branch"].members.filter(status="full", posts__isnull=True).first()
    from dangjian.organizations.models import PostKind

    kind = PostKind.objects.get(code="group_leader")
    response = client.post(f"/orgs/{org['branch'].pk}/posts/add/", {
        "kind": kind.pk, "member": member.pk, "term_start": "2026-11-01", "term_end": "", "note": "",
    })
    assert response.status_code == 302
    post = LeadershipPost.objects.get(member=member, kind=kind)
    assert post.term_end.year == 2031
    client.post(f"/orgs/posts/{post.pk}/end/", {"ended_on": "2026-11-20"})
    post.refresh_from_db()
    assert str(post.ended_on) == "2026-11-20"


def test_tree_as_of_a_past_day(client_for, org):
    response = client_for("organizer").get("/orgs/", {"on": "2000-01-01"})
    assert response.status_code == 200
    assert response.context["rows"] == []  # the demo tree was set up in 2016
    response = client_for("organizer").get("/orgs/", {"on": "2026-11-01"})
    names = {r["version"].name for r in response.context["rows"]}
    assert "滨河社区第一党支部" in names and "中共临江市委员会" not in names


def test_terms_page_lists_the_scope(client_for):
    response = client_for("organizer").get("/orgs/terms/")
    assert response.status_code == 200
    assert all(p.kind.code == "secretary" for p in response.context["posts"])


def test_workbench_lists_due_items(client_for):
    response = client_for("organizer").get("/")
    kinds = {t["kind"] for t in response.context["todos"]}
    assert "structure" in kinds
