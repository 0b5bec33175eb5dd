"""Roster search by a whole ID or mobile number: an exact, audited look-up for those who may reveal;
for everyone else only the last four characters count, so a masked number cannot be guessed."""
import pytest

from dangjian.core.models import AuditEntry
from dangjian.core.privacy_report import READ, action_kind
from dangjian.core.testing import api_ids
from dangjian.members.models import Member


def names(response):
    return sorted(m.name for m in response.context["page_obj"])


def _target(org):
    return Member.objects.filter(organization=org["branch"], status__in=("full", "probationary")).exclude(
        phone="").order_by("id").first()


def _wrong(number: str) -> str:
    """The same number with one middle digit changed (same masked copy, same last four)."""
    digit = "5" if number[5] != "5" else "6"
    return number[:5] + digit + number[6:]


@pytest.mark.parametrize("persona", ["auditor", "member"])
def test_those_who_may_not_reveal_cannot_confirm_a_guessed_number(client_for, org, persona):
    target = _target(org)
    client = client_for(persona)
    for right in (target.phone, target.id_number):
        found = names(client.get("/members/", {"q": right, "org": org["branch"].pk, "per_page": 100}))
        guessed = names(client.get("/members/", {"q": _wrong(right), "org": org["branch"].pk, "per_page": 100}))
        by_last4 = names(client.get("/members/", {"q": right[-4:], "org": org["branch"].pk, "per_page": 100}))
        # A right and a wrong guess answer alike: the last-four search, as before.
        assert found == guessed == by_last4, right
        assert target.name in found
    assert not AuditEntry.objects.filter(action="member.searched_by_number").exists()


def test_the_api_answers_alike_to_a_right_and_a_wrong_guess(client_for, org):
    target = _target(org)
    client = client_for("auditor")
    right = api_ids(client, "/api/v1/members/", q=target.phone)
    assert right == api_ids(client, "/api/v1/members/", q=_wrong(target.phone))
    assert right == api_ids(client, "/api/v1/members/", q=target.phone[-4:])


def test_a_secretary_finds_exactly_the_member_and_the_look_up_is_audited(client_for, personas, org):
    target = _target(org)
    client = client_for("branch")
    response = client.get("/members/", {"q": target.phone, "per_page": 100})
    assert names(response) == [target.name]
    assert names(client.get("/members/", {"q": _wrong(target.phone), "per_page": 100})) == []
    entries = AuditEntry.objects.filter(action="member.searched_by_number", actor=personas["branch"]).order_by("id")
    assert entries.count() == 2
    hit, miss = entries
    assert (hit.object_id, hit.organization_id, hit.changes) == (str(target.pk), org["branch"].pk,
                                                                  {"kind": "phone", "found": 1})
    assert miss.object_id == "" and miss.changes["found"] == 0 and miss.organization_id is not None
    for entry in entries:  # the number itself is never written to the log
        assert target.phone not in f"{entry.note}{entry.changes}{entry.object_repr}"
        assert target.phone[-4:] not in f"{entry.note}{entry.changes}"
    assert action_kind("member.searched_by_number") == READ  # shown in the personal-data report


def test_whole_id_number_through_the_api_for_a_secretary(client_for, personas, org):
    target = _target(org)
    assert api_ids(client_for("branch"), "/api/v1/members/", q=target.id_number) == [target.pk]
    entry = AuditEntry.objects.get(action="member.searched_by_number", actor=personas["branch"])
    assert entry.changes == {"kind": "id_number", "found": 1}
