"""Roster services: the checks of the member register and the protection of personal data."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dangjian.core import pii
from dangjian.core.models import AuditEntry
from dangjian.core.validators import id_number_check_char
from dangjian.members import services
from dangjian.members.models import Member, Membership

D = datetime.date


def valid_id(birth="19800101", seq="123"):
    first17 = f"110101{birth}{seq}"
    return first17 + id_number_check_char(first17)


def data(org, **overrides):
    base = {
        "name": "张三丰", "gender": "male", "ethnicity": "01", "birth_date": D(1980, 1, 1),
        "id_number": valid_id(), "phone": "13812345678", "address": "临江市江滨街道幸福里3号楼",
        "joined_on": D(2005, 7, 1), "full_member_on": D(2006, 7, 1), "status": "full",
        "category": "employed", "organization": org,
    }
    return base | overrides


def test_create_encrypts_and_indexes_personal_data(personas, org):
    member = services.member_create(actor=personas["branch"], data=data(org["branch"]))
    assert (member.name_pinyin, member.name_initials) == ("zhangsanfeng", "zsf")
    assert member.id_number_masked == "1101**********" + valid_id()[-4:]
    assert member.phone_masked == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, address FROM members_member WHERE id = %s", [member.pk])
        stored = cursor.fetchone()
    assert valid_id() not in stored[0] and "13812345678" not in stored[1] and "幸福里" not in stored[2]
    assert Member.objects.get(id_number_hash=pii.blind_index("id", valid_id())).pk == member.pk
    assert Membership.objects.filter(member=member, organization=org["branch"], ended_on__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="member.created", object_id=str(member.pk)).exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"id_number": valid_id()[:-1] + ("0" if valid_id()[-1] != "0" else "1")}, "id_number"),
    ({"id_number": "11010119800101123"}, "id_number"),
    ({"id_number": "110101198013011234"}, "id_number"),
    ({"birth_date": D(1981, 1, 1)}, "birth_date"),
    ({"gender": "female"}, "gender"),
    ({"joined_on": D(1995, 1, 1)}, "joined_on"),
    ({"full_member_on": D(2004, 1, 1)}, "full_member_on"),
    ({"status": "probationary"}, "full_member_on"),
    ({"phone": "12345"}, "phone"),
])
def test_bad_data_is_refused_with_a_field_message(personas, org, overrides, field):
    before = Member.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.member_create(actor=None, data=data(org["branch"], **overrides))
    assert field in caught.value.message_dict
    assert Member.objects.count() == before


def test_duplicate_id_number_is_refused(personas, org):
    services.member_create(actor=None, data=data(org["branch"]))
    with pytest.raises(ValidationError, match="已在册"):
        services.member_create(actor=None, data=data(org["sibling"], name="李四"))


def test_member_belongs_to_a_branch_not_a_party_group(org):
    from dangjian.organizations.models import Organization

    group = Organization.objects.get_children(org["branch"]).first()
    errors = services.member_check(data(group))
    assert "organization" in errors
    assert "party_group" in services.member_check(data(org["sibling"], party_group=group))


def test_update_logs_protected_fields_without_their_values(personas, org):
    member = org["branch"].members.first()
    services.member_update(actor=personas["branch"], member=member, data={"phone": "13900001111", "job": "教师"})
    entry = AuditEntry.objects.filter(action="member.updated", object_id=str(member.pk)).latest("at")
    assert entry.changes["phone"] == ["***", "***"]
    assert entry.changes["job"][1] == "教师"
    assert "13900001111" not in str(entry.changes)
    member.refresh_from_db()
    assert member.phone == "13900001111" and member.phone_last4 == "1111"


def test_reveal_needs_a_purpose_and_is_logged(personas, org):
    member = org["branch"].members.first()
    with pytest.raises(ValidationError):
        services.member_reveal(actor=personas["branch"], member=member, field="id_number", purpose=" ")
    value = services.member_reveal(actor=personas["branch"], member=member, field="id_number", purpose="核对组织关系")
    assert value[-4:] == member.id_number_last4
    entry = AuditEntry.objects.get(action="member.revealed", object_id=str(member.pk))
    assert entry.note == "核对组织关系" and entry.changes == {"field": "id_number"}


def test_move_closes_and_opens_periods(personas, org):
    member = org["branch"].members.first()
    services.member_move(actor=personas["community"], member=member, organization=org["sibling"], on=D(2026, 11, 21))
    periods = list(member.memberships.order_by("started_on"))
    assert periods[-2].ended_on == D(2026, 11, 21) and periods[-1].organization == org["sibling"]
    assert member.party_group is None


def test_party_standing_counts_from_full_membership():
    member = Member(full_member_on=D(2000, 7, 1), birth_date=D(1975, 3, 2))
    assert member.party_standing(D(2026, 6, 30)) == 25
    assert member.party_standing(D(2026, 7, 1)) == 26
    assert Member(full_member_on=None, birth_date=D(2000, 1, 1)).party_standing(D(2026, 1, 1)) == 0
