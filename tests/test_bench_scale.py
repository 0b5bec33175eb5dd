"""The large-data generator of the benchmarks, run at a tiny size on the test database.

The test database already holds the small demo city (conftest), so only the member-filling
part runs here, on top of it: on SQLite through ``bulk_create``, on PostgreSQL through COPY.
"""
import datetime
import io
import random

import pytest
from django.db import connection

from bench.scale import LargeCityBuilder, fill_meetings, fill_members
from dangjian.core import pii
from dangjian.core.validators import (
    id_number_birth_date,
    id_number_check_char,
    id_number_gender,
    validate_id_number,
)
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member, Membership
from dangjian.members.services import member_create
from dangjian.organizations.choices import OrgType
from dangjian.organizations.models import LeadershipPost, Organization, OrganizationVersion
from dangjian.orglife.services import hours_for

ADDED = 2000
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def filled(db, org):
    """Fill the demo city with ``ADDED`` members, half of them in the 江滨 sub-district."""
    before = Member.objects.count()
    street_before = Member.objects.filter(organization__path__startswith=org["street"].path).count()
    last_id = Member.objects.order_by("-id").values_list("id", flat=True).first()
    b = LargeCityBuilder(rng=random.Random(7), today=TODAY)
    out = io.StringIO()
    result = fill_members(b, city_org=org["city"], big=org["street"], members=before + ADDED,
                          big_members=street_before + ADDED // 2, stdout=out)
    return {"result": result, "before": before, "street_before": street_before, "last_id": last_id, "out": out}


def test_fills_to_the_total_with_the_big_subtree(filled, org):
    assert filled["result"].members == ADDED
    assert Member.objects.count() == filled["before"] + ADDED
    in_street = Member.objects.filter(organization__path__startswith=org["street"].path).count()
    assert in_street == filled["street_before"] + ADDED // 2
    in_town = Member.objects.filter(organization__path__startswith=org["town"].path, id__gt=filled["last_id"])
    assert in_town.count() == ADDED // 2
    assert "2,000 members" in filled["out"].getvalue()


def test_members_are_built_like_member_build(filled):
    added = Member.objects.filter(id__gt=filled["last_id"])
    assert added.values("id_number_hash").distinct().count() == ADDED
    for member in added.order_by("?")[:25]:
        id_number = member.id_number  # decrypted on read: stored as a Fernet token
        assert validate_id_number(id_number) == id_number
        assert member.birth_date == id_number_birth_date(id_number)
        assert member.gender == id_number_gender(id_number)
        assert member.id_number_hash == pii.blind_index("id", id_number)
        assert member.id_number_masked == pii.mask_id_number(id_number)
        assert member.phone_hash == pii.blind_index("phone", member.phone)
        assert member.phone_masked == pii.mask_phone(member.phone)
        assert member.address_masked == pii.mask_address(member.address)
        assert member.name_pinyin and member.name_initials
        assert member.organization.org_type == OrgType.BRANCH
        assert member.party_group is None or member.party_group.path.startswith(member.organization.path)
        if member.status == MemberStatus.FULL:
            assert member.full_member_on > member.joined_on
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM members_member WHERE id = %s", [added.first().pk])
        assert cursor.fetchone()[0].startswith("gAAAAA")  # a Fernet token: encrypted at rest


def test_one_open_period_each_and_posts(filled):
    added = Member.objects.filter(id__gt=filled["last_id"])
    periods = Membership.objects.filter(member__in=added)
    assert periods.count() == ADDED
    assert periods.filter(ended_on__isnull=True).count() == ADDED
    branches = Organization.objects.filter(members__in=added).distinct()
    assert LeadershipPost.objects.filter(organization__in=branches, kind__code="secretary").count() == \
        branches.filter(members__status=MemberStatus.FULL).distinct().count()
    for post in LeadershipPost.objects.filter(organization__in=branches).select_related("member"):
        assert post.member.organization_id == post.organization_id
        assert post.member.status == MemberStatus.FULL
        assert post.term_end > post.term_start


def test_tree_stays_valid_and_ids_continue(filled, org):
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert filled["result"].organizations > 0
    new = Organization.objects.filter(path__startswith=org["street"].path, versions__isnull=True)
    assert not new.exists()  # every added organization has its dated version
    assert OrganizationVersion.objects.filter(valid_to__isnull=True).count() == Organization.objects.count()
    # The id sequences were moved on: an ordinary write after the load still works.
    branch = Organization.objects.get(name="滨河社区第一党支部")
    member = member_create(actor=None, data={
        "name": "测试", "gender": "male", "birth_date": datetime.date(1980, 1, 1),
        "id_number": _id_number("110101", "19800101", "001"),
        "joined_on": datetime.date(2005, 1, 1), "full_member_on": datetime.date(2006, 1, 1),
        "status": MemberStatus.FULL, "category": "employed", "organization": branch,
    })
    assert member.pk > Member.objects.exclude(pk=member.pk).order_by("-id").values_list("id", flat=True).first()


def _id_number(region: str, birth: str, seq: str) -> str:
    first17 = f"{region}{birth}{seq}"
    return first17 + id_number_check_char(first17)


def test_fill_meetings_records_a_year_so_far_deterministically(db, org):
    from dangjian.orglife import selectors
    from dangjian.orglife.choices import MeetingKind, MeetingStatus
    from dangjian.orglife.models import Attendance, Meeting, StudyRecord

    assert not Meeting.objects.exists()
    out = io.StringIO()
    added = fill_meetings(year=TODAY.year, seed=3, stdout=out, today=TODAY)
    meetings = Meeting.objects.select_related("organization")
    assert added == meetings.count() > 0
    assert f"{added:,} recorded meetings of 2026" in out.getvalue()
    holding = selectors.holders(org["city"])
    branches, groups = {o.pk for o in holding["branch"]}, {o.pk for o in holding["group"]}
    committees = {o.pk for o in holding["committee"]}
    assert {m.organization_id for m in meetings} <= branches | groups
    assert {m.organization_id for m in meetings if m.kind == MeetingKind.GROUP_MEETING} <= groups
    assert {m.organization_id for m in meetings if m.kind == MeetingKind.COMMITTEE_MEETING} <= committees
    for meeting in meetings:
        assert meeting.status == MeetingStatus.RECORDED
        assert meeting.starts_at.year == TODAY.year and meeting.starts_at.date() < TODAY
        # Study hours and rule version as meeting_record would credit them.
        hours, version = hours_for(meeting)
        assert (meeting.study_hours, meeting.rule_version) == (hours, version) and version
    assert not Attendance.objects.exists() and not StudyRecord.objects.exists()  # not needed for compliance
    # Most required meetings are held, some are not.
    rows = selectors.compliance(org["city"], TODAY.year, today=TODAY)
    ok = sum(r.status == "ok" for r in rows) / len(rows)
    assert 0.6 < ok < 1
    # Deterministic for a seed and day.
    first = sorted(meetings.values_list("organization_id", "kind", "starts_at", "topic", "sign_in_code"))
    Meeting.objects.all().delete()
    fill_meetings(year=TODAY.year, seed=3, today=TODAY)
    assert sorted(meetings.values_list("organization_id", "kind", "starts_at", "topic", "sign_in_code")) == first
