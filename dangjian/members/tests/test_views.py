"""Roster pages as a secretary uses them: search, filters, add, edit, reveal."""

from dangjian.core.models import AuditEntry
from dangjian.core.validators import id_number_check_char
from dangjian.members.models import Member


def names(response):
    return [m.name for m in response.context["page_obj"]]


def test_search_by_name_pinyin_initials_and_last_digits(client_for, org):
    client = client_for("community")
    target = org["branch"].members.order_by("id").first()
    for q in (target.name, target.name_initials, target.name_pinyin[:4], target.id_number_last4):
        response = client.get("/members/", {"q": q, "org": org["community"].pk, "per_page": 100})
        assert target.name in names(response), q


def test_search_by_whole_id_or_mobile_number_finds_exactly_that_member(client_for, org):
    client = client_for("community")
    target = org["branch"].members.exclude(phone="").order_by("id").first()
    for q in (target.id_number, target.id_number.lower(), f" {target.phone} "):
        response = client.get("/members/", {"q": q, "org": org["community"].pk, "per_page": 100})
        assert names(response) == [target.name], q
    # Out of the user's scope the same number finds nobody.
    outsider = Member.objects.exclude(organization__path__startswith=org["community"].path).order_by("id").first()
    response = client.get("/members/", {"q": outsider.id_number, "per_page": 100})
    assert names(response) == []


def test_filters_and_sort(client_for, org):
    client = client_for("organizer")
    response = client.get("/members/", {"org": org["community"].pk, "category": "retired", "sort": "age", "per_page": 100})
    rows = list(response.context["page_obj"])
    assert rows and all(m.category == "retired" for m in rows)
    assert [m.birth_date for m in rows] == sorted(m.birth_date for m in rows)
    # Default: only members on the roll.
    assert all(m.is_on_roll for m in client.get("/members/", {"per_page": 100}).context["page_obj"])


def test_roster_is_scoped_and_query_count_is_flat(client_for, org, django_assert_max_num_queries):
    client = client_for("branch")
    with django_assert_max_num_queries(14):
        response = client.get("/members/", {"per_page": 100})
    assert {m.organization_id for m in response.context["page_obj"]} == {org["branch"].pk}
    assert response.context["page_obj"].paginator.count == org["branch"].members.on_roll().count()


def test_roster_never_shows_plain_personal_data(client_for, org):
    member = org["branch"].members.first()
    html = client_for("branch").get("/members/", {"q": member.name}).content.decode()
    assert member.phone_masked in html
    plain = Member.objects.values_list("phone", flat=True).get(pk=member.pk)
    assert plain not in html


def test_add_member_with_chinese_error_then_success(client_for, org):
    client = client_for("branch")
    first17 = "11010119850315202"  # 17th digit even: female
    good_id = first17 + id_number_check_char(first17)
    bad_id = first17 + ("0" if good_id[-1] != "0" else "1")
    form = {
        "name": "王小红", "gender": "female", "ethnicity": "01", "birth_date": "1985-03-15", "id_number": bad_id,
        "joined_on": "2010-06-01", "full_member_on": "2011-06-01", "status": "full", "category": "employed",
        "organization": org["branch"].pk,
    }
    response = client.post("/members/add/", form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    assert not Member.objects.filter(name="王小红").exists()
    response = client.post("/members/add/", form | {"id_number": good_id})
    member = Member.objects.get(name="王小红")
    assert response.status_code == 302 and response["Location"] == f"/members/{member.pk}/"


def test_edit_keeps_protected_values_when_left_empty(client_for, org):
    member = org["branch"].members.filter(status="full").first()
    client = client_for("branch")
    page = client.get(f"/members/{member.pk}/edit/").content.decode()
    plain_id = Member.objects.values_list("id_number", flat=True).get(pk=member.pk)
    assert plain_id not in page
    form = {
        "name": member.name, "gender": member.gender, "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(), "id_number": "", "phone": "", "address": "",
        "joined_on": member.joined_on.isoformat(), "full_member_on": member.full_member_on.isoformat(),
        "status": member.status, "category": member.category, "job": "社区志愿者",
    }
    response = client.post(f"/members/{member.pk}/edit/", form)
    assert response.status_code == 302, response.context["form"].errors
    refreshed = Member.objects.get(pk=member.pk)
    assert refreshed.job == "社区志愿者" and refreshed.id_number == plain_id


def test_out_of_scope_member_is_404_and_read_only_is_403(client_for, org):
    member = org["branch"].members.first()
    assert client_for("sibling").get(f"/members/{member.pk}/").status_code == 404
    assert client_for("sibling").get(f"/members/{member.pk}/edit/").status_code == 404
    assert client_for("auditor").get(f"/members/{member.pk}/").status_code == 200
    assert client_for("auditor").get(f"/members/{member.pk}/edit/").status_code == 403
    assert client_for("auditor").post(f"/members/{member.pk}/reveal/id_number/", {"purpose": "查看"}).status_code == 403


def test_reveal_asks_for_purpose_and_logs(client_for, org):
    member = org["branch"].members.first()
    client = client_for("branch")
    url = f"/members/{member.pk}/reveal/phone/"
    assert client.post(url, {"purpose": ""}).context["value"] is None
    response = client.post(url, {"purpose": "通知开会"}, HTTP_HX_REQUEST="true")
    plain = Member.objects.values_list("phone", flat=True).get(pk=member.pk)
    assert plain in response.content.decode()
    assert AuditEntry.objects.filter(action="member.revealed", object_id=str(member.pk), note="通知开会").exists()
    assert client.get(f"/members/{member.pk}/reveal/password/").status_code == 404


def test_member_sees_own_profile_and_branch_only(client_for, personas, org):
    client = client_for("member")
    own = Member.objects.get(user=personas["member"])
    assert client.get(f"/members/{own.pk}/").status_code == 200
    assert client.get(f"/members/{own.pk}/edit/").status_code == 403
    other = org["sibling"].members.first()
    assert client.get(f"/members/{other.pk}/").status_code == 404


def test_history_shows_changes(client_for, org):
    member = org["branch"].members.first()
    client = client_for("branch")
    client.post(f"/members/{member.pk}/pledges/add/", {"year": 2026, "content": "每月参加一次志愿服务"})
    html = client.get(f"/members/{member.pk}/history/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert member.pledges.filter(year=2026).exists()
    assert AuditEntry.objects.filter(action="pledge.created", object_id=str(member.pk)).exists()
    assert "2026" in html


def test_org_picker_offers_the_way_around_the_chosen_organization(client_for, org):
    response = client_for("city").get("/members/", {"org": org["community"].pk})
    offered = {pk for pk, _ in response.context["filter"].form.fields["org"].widget.choices if pk}
    assert {org["city"].pk, org["community"].pk, org["branch"].pk, org["sibling"].pk, org["street"].pk} <= offered
    assert len(offered) < 20  # not the whole city
    # Any visible organization is still accepted, chosen by link or by the tree.
    response = client_for("city").get("/members/", {"org": org["town"].pk})
    assert response.context["org"] == org["town"]


def test_register_form_cannot_end_a_membership(client_for, org):
    member = org["branch"].members.filter(status="full").first()
    form = client_for("branch").get(f"/members/{member.pk}/edit/").context["form"]
    assert {v for v, _ in form.fields["status"].choices} == {"probationary", "full"}


def test_hardship_marks_are_shown_only_to_those_who_keep_care_records(client_for, org):
    member = org["branch"].members.filter(status="full").first()
    member.in_hardship = True
    member.save(update_fields=["in_hardship"])
    ordinary = client_for("member")
    assert "in_hardship" not in ordinary.get("/members/").context["filter"].form.fields
    listed = ordinary.get("/api/v1/members/", {"in_hardship": "true"}).json()["results"]
    assert listed and all("in_hardship" not in row for row in listed)
    secretary = client_for("branch")
    assert "in_hardship" in secretary.get("/members/").context["filter"].form.fields
    rows = secretary.get("/api/v1/members/", {"in_hardship": "true"}).json()["results"]
    assert member.pk in [row["id"] for row in rows] and all(row["in_hardship"] for row in rows)
