"""The member API (/api/v1/members/): scope per persona, search, masked data, create and correct."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from dangjian.core import pii
from dangjian.core.demo.city import DEMO_PASSWORD
from dangjian.core.models import AuditEntry
from dangjian.core.testing import api_ids
from dangjian.core.validators import id_number_check_char
from dangjian.members.models import Member, Membership

LIST = "/api/v1/members/"
PROTECTED = ("id_number", "phone", "address")


def detail_url(pk):
    return f"{LIST}{pk}/"


def all_ids(client, **params):
    return api_ids(client, LIST, **params)


def members_under(org):
    return set(Member.objects.filter(organization__path__startswith=org.path).values_list("pk", flat=True))


def new_id_number(birth=datetime.date(1980, 5, 17), male=True):
    """A valid ID number for ``birth`` and gender that nobody on the register has."""
    for serial in range(10, 100):
        first17 = f"110101{birth:%Y%m%d}{serial}{1 if male else 2}"
        value = first17 + id_number_check_char(first17)
        if not Member.objects.filter(id_number_hash=pii.blind_index("id", value)).exists():
            return value
    raise AssertionError("no free ID number")


def new_member(org, **overrides):
    return {
        "name": "测试党员", "gender": "male", "birth_date": "1980-05-17", "id_number": new_id_number(),
        "phone": "13912345678", "address": "临江市江滨街道滨河路88号3单元", "joined_on": "2005-07-01",
        "full_member_on": "2006-07-01", "status": "full", "category": "employed", "organization": org.pk,
        **overrides,
    }


def in_zh(message, **params):
    """What the service says, in the language the API answers in (zh-hans unless asked)."""
    with translation.override("zh-hans"):
        return gettext(message) % params if params else gettext(message)


def writes():
    return Member.objects.count(), Membership.objects.count(), AuditEntry.objects.count()


# Reading -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona, scope", [
    ("admin", "city"), ("city", "city"), ("organizer", "street"), ("auditor", "street"),
    ("community", "community"), ("branch", "branch"), ("sibling", "sibling"),
])
def test_list_is_exactly_the_personas_scope(client_for, org, persona, scope):
    ids = all_ids(client_for(persona))
    assert len(ids) == len(set(ids))
    assert set(ids) == members_under(org[scope])


def test_sibling_cannot_see_the_branchs_members(client_for, org):
    client = client_for("sibling")
    assert not set(all_ids(client)) & members_under(org["branch"])
    someone = Member.objects.filter(organization=org["branch"]).first()
    assert client.get(detail_url(someone.pk)).status_code == 404


def test_member_sees_own_branch_only(client_for, personas, org):
    ids = set(all_ids(client_for("member")))
    assert personas["member"].member.pk in ids
    assert ids == set(Member.objects.on_roll().filter(organization=org["branch"]).values_list("pk", flat=True))


def test_anonymous_is_refused(client_for, org):
    client = client_for(None)
    assert client.get(LIST).status_code == 401
    assert client.get(detail_url(org["branch"].members.first().pk)).status_code == 401


def test_responses_show_masked_data_and_labels(client_for, org):
    someone = Member.objects.filter(organization=org["branch"], status="full").first()
    body = client_for("branch").get(detail_url(someone.pk)).json()
    assert not set(PROTECTED) & set(body)
    assert body["id_number_masked"] == pii.mask_id_number(someone.id_number)
    assert body["phone_masked"] == pii.mask_phone(someone.phone)
    assert body["address_masked"] == pii.mask_address(someone.address)
    assert body["organization"] == org["branch"].pk and body["organization_name"] == org["branch"].name
    assert body["party_standing"] == someone.party_standing()
    with translation.override("zh-hans"):
        assert body["status_display"] == str(someone.get_status_display())
        assert body["gender_display"] == str(someone.get_gender_display())


def test_plaintext_never_appears_in_lists_or_details(client_for, org):
    client = client_for("organizer")
    response = client.get(LIST, {"page_size": 200})
    ids = [row["id"] for row in response.json()["results"]]
    secrets = [v for row in Member.objects.filter(pk__in=ids).values_list(*PROTECTED) for v in row if v]
    assert len(secrets) > 2 * len(ids)
    content = response.content.decode()
    assert not [s for s in secrets if s in content]
    first = Member.objects.get(pk=ids[0])
    detail = client.get(detail_url(first.pk)).content.decode()
    assert first.id_number not in detail and first.phone not in detail and first.address not in detail


def test_search(client_for, org):
    client = client_for("organizer")
    scope = Member.objects.filter(organization__path__startswith=org["street"].path)
    someone = scope.exclude(phone="").order_by("id").first()
    for q in (someone.name, someone.name[1:], someone.name_pinyin[:4].upper(), someone.name_initials):
        assert someone.pk in all_ids(client, q=q), q
    assert set(all_ids(client, q=someone.name_initials)) == set(
        scope.filter(name_initials__startswith=someone.name_initials).values_list("pk", flat=True)
        | scope.filter(name__contains=someone.name_initials).values_list("pk", flat=True))
    last4 = someone.id_number_last4
    assert set(all_ids(client, q=last4)) == set(
        scope.filter(id_number_last4=last4).values_list("pk", flat=True)
        | scope.filter(phone_last4=last4).values_list("pk", flat=True))
    assert someone.pk in all_ids(client, q=someone.phone_last4)


def test_filters(client_for, org):
    client = client_for("organizer")
    scope = Member.objects.filter(organization__path__startswith=org["street"].path)
    assert set(all_ids(client, organization=org["community"].pk)) == members_under(org["community"])
    assert all_ids(client, organization=org["town"].pk) == []
    for params, expected in [
        ({"status": "probationary"}, scope.filter(status="probationary")),
        ({"category": "retired"}, scope.filter(category="retired")),
        ({"in_hardship": "true"}, scope.filter(in_hardship=True)),
        ({"gender": "female", "organization": org["branch"].pk}, scope.filter(gender="female", organization=org["branch"])),
    ]:
        assert expected.exists(), params
        assert set(all_ids(client, **params)) == set(expected.values_list("pk", flat=True)), params
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


@pytest.mark.parametrize("ordering, key, reverse", [
    ("joined_on", "joined_on", False), ("-joined_on", "joined_on", True), ("birth_date", "birth_date", False),
    ("-name_pinyin", "name_pinyin", True), (None, "name_pinyin", False),
])
def test_ordering(client_for, ordering, key, reverse, db):
    params = {"page_size": 200, **({"ordering": ordering} if ordering else {})}
    rows = client_for("organizer").get(LIST, params).json()["results"]
    values = [row[key] for row in rows]
    assert len(values) == 200 and values == sorted(values, reverse=reverse)


def test_list_queries_are_bounded_and_do_not_grow_with_the_page(client_for, django_assert_max_num_queries, db):
    client = client_for("organizer")
    counts = []
    for size in (5, 200):
        with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as queries:
            assert len(client.get(LIST, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))
        list_query = queries.captured_queries[-1]["sql"]
        assert '"members_member"."id_number",' not in list_query  # encrypted columns stay unread
    assert counts[0] == counts[1]


# Token authentication ---------------------------------------------------------------------------

def test_token_gives_the_same_scope(client, personas, org):
    token = Token.objects.create(user=personas["branch"])
    response = client.get(LIST, {"page_size": 200}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == members_under(org["branch"])
    assert client.get(LIST, HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_obtain_a_token_with_the_password(client, personas):
    response = client.post("/api/v1/auth/token/", {"username": "sibling", "password": DEMO_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=personas["sibling"]).key
    wrong = client.post("/api/v1/auth/token/", {"username": "sibling", "password": "wrong"},
                        content_type="application/json")
    assert wrong.status_code == 400 and "token" not in wrong.json()


# Creating ----------------------------------------------------------------------------------------

def test_branch_adds_a_member_to_its_branch(client_for, personas, org):
    payload = new_member(org["branch"])
    response = client_for("branch").post(LIST, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    content = response.content.decode()
    for field in PROTECTED:
        assert payload[field] not in content
    body = response.json()
    assert body["id_number_masked"] == pii.mask_id_number(payload["id_number"])
    assert body["phone_masked"] == "139****5678"
    created = Member.objects.get(pk=body["id"])
    assert created.id_number == payload["id_number"] and created.organization == org["branch"]
    assert created.name_pinyin == "ceshidangyuan"
    assert created.memberships.get().ended_on is None
    entry = AuditEntry.objects.get(action="member.created", object_id=str(created.pk))
    assert entry.actor == personas["branch"]


def test_bad_id_number_answers_400_and_writes_nothing(client_for, org):
    payload = new_member(org["branch"])
    payload["id_number"] = payload["id_number"][:17] + ("0" if payload["id_number"][17] != "0" else "1")
    before = writes()
    response = client_for("branch").post(LIST, payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "id_number": [in_zh("The check digit of the ID number is wrong; please check the last character.")]
    }
    assert payload["id_number"] not in response.content.decode()
    assert writes() == before


def test_duplicate_id_number_is_rejected(client_for, org):
    existing = Member.objects.filter(organization=org["sibling"]).first()
    payload = new_member(org["branch"], id_number=existing.id_number, birth_date=existing.birth_date.isoformat(),
                         gender=existing.gender)
    before = writes()
    response = client_for("branch").post(LIST, payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"id_number": [in_zh("A member with this ID number is already on the register.")]}
    assert existing.id_number not in response.content.decode()
    assert writes() == before


def test_several_service_errors_come_back_together(client_for, org):
    payload = new_member(org["branch"], birth_date="1981-01-01", full_member_on=None, phone="12345")
    response = client_for("branch").post(LIST, payload, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"birth_date", "full_member_on", "phone"}


def test_cannot_add_to_an_organization_out_of_sight(client_for, org):
    before = writes()
    response = client_for("branch").post(LIST, new_member(org["sibling"]), content_type="application/json")
    assert response.status_code == 400 and "organization" in response.json()
    assert writes() == before


@pytest.mark.parametrize("persona", ["auditor", "member"])
def test_readers_cannot_add(client_for, org, persona):
    before = writes()
    response = client_for(persona).post(LIST, new_member(org["branch"]), content_type="application/json")
    assert response.status_code == 403
    assert writes() == before


# Correcting --------------------------------------------------------------------------------------

def test_branch_corrects_its_member_and_the_change_is_audited(client_for, personas, org):
    someone = Member.objects.filter(organization=org["branch"], status="full").exclude(user=personas["branch"]).first()
    old_phone = someone.phone
    response = client_for("branch").patch(detail_url(someone.pk), {"job": "社区网格员", "phone": "13700001111"},
                                          content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["job"] == "社区网格员" and body["phone_masked"] == "137****1111"
    assert "13700001111" not in response.content.decode()
    someone.refresh_from_db()
    assert someone.job == "社区网格员" and someone.phone == "13700001111"
    entry = AuditEntry.objects.get(action="member.updated", object_id=str(someone.pk))
    assert entry.actor == personas["branch"]
    assert entry.changes["phone"] == ["***", "***"] and entry.changes["job"][1] == "社区网格员"
    assert old_phone not in str(entry.changes)


def test_patch_cannot_move_or_change_standing(client_for, org):
    someone = Member.objects.filter(organization=org["branch"], status="full").first()
    response = client_for("community").patch(
        detail_url(someone.pk), {"organization": org["sibling"].pk, "status": "expelled"},
        content_type="application/json")
    assert response.status_code == 200
    someone.refresh_from_db()
    assert someone.organization == org["branch"] and someone.status == "full"


def test_patch_with_bad_data_answers_400_and_changes_nothing(client_for, org):
    someone = Member.objects.filter(organization=org["branch"]).first()
    before = writes()
    response = client_for("branch").patch(detail_url(someone.pk), {"phone": "12345"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "phone": [in_zh("Enter an 11-digit mobile number or a landline number with its area code.")]
    }
    assert writes() == before


@pytest.mark.parametrize("persona, status", [("sibling", 404), ("auditor", 403), ("member", 403)])
def test_patch_out_of_charge(client_for, org, persona, status):
    someone = Member.objects.filter(organization=org["branch"]).first()
    client = client_for(persona)
    assert client.get(detail_url(someone.pk)).status_code == (404 if status == 404 else 200)
    before = writes()
    response = client.patch(detail_url(someone.pk), {"job": "改"}, content_type="application/json")
    assert response.status_code == status
    assert writes() == before


def test_no_put_and_no_delete(client_for, org):
    someone = Member.objects.filter(organization=org["branch"]).first()
    client = client_for("admin")
    assert client.delete(detail_url(someone.pk)).status_code == 405
    assert client.put(detail_url(someone.pk), {}, content_type="application/json").status_code == 405
    assert Member.objects.filter(pk=someone.pk).exists()
