"""The mobile-member register: registering, activities that credit study hours, temporary branches."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.dates import add_months
from dangjian.organizations.models import Organization
from dangjian.orglife.choices import StudySource
from dangjian.orglife.models import StudyRecord
from dangjian.transfers import mobile
from dangjian.transfers.models import MobileMember
from dangjian.transfers.selectors import organizations_on


def register(member, personas, today, **extra):
    return mobile.mobile_register(actor=personas["branch"], member=member, destination="广东省深圳市南山区",
                                  work="某科技公司", left_on=today - datetime.timedelta(days=30), **extra)


def test_a_long_stay_at_a_fixed_place_calls_for_a_transfer(personas, branch_members, today):
    member, = branch_members(1)
    left = today - datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        register(member, personas, today, expected_return_on=add_months(left, 6))
    assert "expected_return_on" in error.value.message_dict
    registration = register(member, personas, today, expected_return_on=add_months(left, 6), transfer_impossible=True)
    assert registration.is_active and registration.rule_version == "national-transfers 2018.1"
    with pytest.raises(ValidationError):  # one active registration at a time
        register(member, personas, today)


def test_study_while_away_credits_study_hours(personas, branch_members, today):
    member, = branch_members(1)
    registration = register(member, personas, today)
    activity = mobile.mobile_activity_record(actor=personas["branch"], registration=registration, on=today,
                                             kind="study", hours=Decimal("2"), description="在流入地党支部学习党章")
    record = StudyRecord.objects.get(pk=activity.study_record_id)
    assert (record.member_id, record.hours, record.source) == (member.pk, Decimal("2"), StudySource.MOBILE)
    service = mobile.mobile_activity_record(actor=personas["branch"], registration=registration, on=today,
                                            kind="service", hours=Decimal("3"), description="社区志愿服务")
    assert service.study_record is None
    with pytest.raises(ValidationError):  # before leaving
        mobile.mobile_activity_record(actor=personas["branch"], registration=registration, kind="study", hours=1,
                                      on=registration.left_on - datetime.timedelta(days=1), description="x")
    mobile.mobile_return(actor=personas["branch"], registration=registration, returned_on=today)
    assert not MobileMember.objects.get(pk=registration.pk).is_active


def test_a_temporary_branch_needs_three_mobile_members(personas, org, branch_members, today):
    members = branch_members(3)
    registrations = [register(m, personas, today) for m in members]
    with pytest.raises(ValidationError) as error:
        mobile.temporary_branch_create(actor=personas["community"], parent=org["community"], name="驻深圳临时党支部",
                                       mobile_members=registrations[:2])
    assert "mobile_members" in error.value.message_dict
    branch = mobile.temporary_branch_create(actor=personas["community"], parent=org["community"],
                                            name="滨河社区驻深圳流动党员临时党支部", mobile_members=registrations)
    assert branch.org_type == "temporary_branch" and Organization.objects.get_parent(branch).pk == org["community"].pk
    assert set(MobileMember.objects.filter(contact_organization=branch).values_list("member", flat=True)) == {
        m.pk for m in members}
    # Their relations stay at home.
    for member in members:
        assert organizations_on(member, today) == [org["branch"].pk]
    # Returned members cannot found one.
    mobile.mobile_return(actor=personas["branch"], registration=registrations[0], returned_on=today)
    registrations[0].refresh_from_db()
    with pytest.raises(ValidationError):
        mobile.temporary_branch_create(actor=personas["community"], parent=org["community"], name="另一个",
                                       mobile_members=registrations)
