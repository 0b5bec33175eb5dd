"""Changes of standing: the transition table, ending membership, probation within the Party."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.dates import add_years
from dangjian.core.models import AuditEntry
from dangjian.members.choices import ON_ROLL, CadreStatus, ChangeChannel, MemberStatus
from dangjian.members.models import Member, MemberStatusChange
from dangjian.members.services import duty_post_create
from dangjian.members.standing import (
    allowed_changes,
    change_status,
    member_status_change,
    party_probation_clear,
    party_probation_set,
)


def full_member(org, key="branch"):
    return org[key].members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True).order_by("id").first()


def probationary(org, personas=None):
    member = org["branch"].members.filter(status=MemberStatus.PROBATIONARY).first()
    if member is None:
        member = full_member(org)
        Member.objects.filter(pk=member.pk).update(status=MemberStatus.PROBATIONARY, full_member_on=None)
        member.refresh_from_db()
    return member


def test_death_ends_membership_on_the_day(org, personas):
    member = full_member(org)
    day = timezone.localdate() - datetime.timedelta(days=10)
    post = duty_post_create(actor=None, member=member, title="楼栋联络员", started_on=day - datetime.timedelta(days=100))
    change = member_status_change(actor=personas["branch"], member=member, to=MemberStatus.DIED, effective_on=day,
                                  reason="因病逝世", document="死亡证明")
    member.refresh_from_db()
    assert member.status == MemberStatus.DIED and not member.is_on_roll
    period = member.memberships.get(organization=org["branch"])
    assert period.ended_on == day
    assert not member.memberships.filter(ended_on__isnull=True).exists()
    post.refresh_from_db()
    assert post.ended_on == day
    assert change.from_status == MemberStatus.FULL and change.to_status == MemberStatus.DIED
    assert change.actor == personas["branch"] and change.document == "死亡证明"
    entry = AuditEntry.objects.get(action="member.status_changed", object_id=str(member.pk))
    assert entry.changes["status"] == ["full", "died"]
    assert member not in org["branch"].members.on_roll()


@pytest.mark.parametrize("to", [MemberStatus.EXPELLED, MemberStatus.LAPSED, MemberStatus.REMOVED, MemberStatus.SUSPENDED])
def test_probationary_member_cannot_take_the_full_members_ways_out(org, to):
    member = probationary(org)
    with pytest.raises(ValidationError) as exc:
        member_status_change(actor=None, member=member, to=to, effective_on=timezone.localdate(), reason="决定")
    assert "to" in exc.value.message_dict
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY


def test_probation_cancelled_only_for_probationary_members(org):
    member = full_member(org)
    assert MemberStatus.PROBATION_CANCELLED not in allowed_changes(member)
    with pytest.raises(ValidationError):
        member_status_change(actor=None, member=member, to=MemberStatus.PROBATION_CANCELLED,
                             effective_on=timezone.localdate(), reason="决定")
    candidate = probationary(org)
    member_status_change(actor=None, member=candidate, to=MemberStatus.PROBATION_CANCELLED,
                         effective_on=timezone.localdate(), reason="预备期内不履行党员义务")
    candidate.refresh_from_db()
    assert candidate.status == MemberStatus.PROBATION_CANCELLED
    assert not candidate.memberships.filter(ended_on__isnull=True).exists()


@pytest.mark.parametrize("to", [MemberStatus.LOST_CONTACT, MemberStatus.TRANSFERRED_OUT, MemberStatus.PROBATIONARY,
                                MemberStatus.FULL])
def test_transitions_reserved_to_their_own_procedures_are_refused(org, to):
    member = full_member(org)
    with pytest.raises(ValidationError):
        member_status_change(actor=None, member=member, to=to, effective_on=timezone.localdate(), reason="试图直接修改")
    assert not MemberStatusChange.objects.filter(member=member).exists()


def test_transfer_procedure_may_transfer_out(org):
    member = full_member(org)
    with pytest.raises(ValidationError):
        change_status(actor=None, member=member, to=MemberStatus.TRANSFERRED_OUT, effective_on=timezone.localdate(),
                      reason="转出")
    change, changes = change_status(actor=None, member=member, to=MemberStatus.TRANSFERRED_OUT,
                                    effective_on=timezone.localdate(), reason="转出", channel=ChangeChannel.TRANSFER)
    assert changes["status"] == ["full", "transferred_out"] and change.channel == ChangeChannel.TRANSFER
    assert not member.memberships.filter(ended_on__isnull=True).exists()


def test_ended_membership_cannot_change_again(org):
    member = full_member(org)
    member_status_change(actor=None, member=member, to=MemberStatus.RESIGNED, effective_on=timezone.localdate(),
                         reason="本人申请退党")
    assert allowed_changes(member) == []
    with pytest.raises(ValidationError):
        member_status_change(actor=None, member=member, to=MemberStatus.EXPELLED, effective_on=timezone.localdate(),
                             reason="再次处理")


def test_suspension_and_reinstatement(org):
    member = full_member(org)
    today = timezone.localdate()
    member_status_change(actor=None, member=member, to=MemberStatus.SUSPENDED, effective_on=today, reason="停止党籍")
    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED and member.is_on_roll
    assert member.memberships.filter(ended_on__isnull=True).exists()  # still on the roll
    assert MemberStatus.PROBATIONARY not in allowed_changes(member)  # a full member returns as full
    member_status_change(actor=None, member=member, to=MemberStatus.FULL, effective_on=today, reason="恢复党籍")
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL
    assert set(member.status_changes.values_list("to_status", flat=True)) == {"suspended", "full"}


def test_dates_and_reason_are_checked(org):
    member = full_member(org)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        member_status_change(actor=None, member=member, to=MemberStatus.DIED, effective_on=today + datetime.timedelta(days=1),
                             reason="逝世")
    assert "effective_on" in exc.value.message_dict
    start = member.memberships.get(ended_on__isnull=True).started_on
    with pytest.raises(ValidationError) as exc:
        member_status_change(actor=None, member=member, to=MemberStatus.DIED, effective_on=start - datetime.timedelta(days=1),
                             reason="逝世")
    assert "effective_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        member_status_change(actor=None, member=member, to=MemberStatus.DIED, effective_on=today, reason=" ")
    assert "reason" in exc.value.message_dict


def test_ending_membership_takes_the_member_out_of_cadre_pools(org):
    from dangjian.members.cadres import reserve_cadre_add
    from dangjian.organizations.models import PostKind

    member = full_member(org)
    cadre = reserve_cadre_add(actor=None, organization=org["branch"], member=member,
                              intended_kind=PostKind.objects.get(code="secretary"), added_on=timezone.localdate())
    member_status_change(actor=None, member=member, to=MemberStatus.EXPELLED, effective_on=timezone.localdate(),
                         reason="严重违纪", document="开除党籍处分决定")
    cadre.refresh_from_db()
    assert cadre.status == CadreStatus.LEFT


def test_party_probation_set_within_the_rule_and_cleared(org, personas):
    member = full_member(org)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        party_probation_set(actor=None, member=member, effective_on=today, until=add_years(today, 2) + datetime.timedelta(days=1),
                            reason="违纪")
    assert "until" in exc.value.message_dict and "national-members" in str(exc.value)
    change = party_probation_set(actor=personas["branch"], member=member, effective_on=today, until=add_years(today, 1),
                                 reason="违反组织纪律", document="留党察看一年处分决定")
    member.refresh_from_db()
    assert member.party_probation_until == add_years(today, 1) and member.status == MemberStatus.FULL
    assert change.kind == "probation_set"
    with pytest.raises(ValidationError):
        party_probation_set(actor=None, member=probationary(org), effective_on=today, until=add_years(today, 1),
                            reason="违纪")
    party_probation_clear(actor=None, member=member, effective_on=today, reason="察看期满，恢复党员权利")
    member.refresh_from_db()
    assert member.party_probation_until is None
    with pytest.raises(ValidationError):
        party_probation_clear(actor=None, member=member, effective_on=today, reason="再次")
    assert AuditEntry.objects.filter(object_id=str(member.pk), action__startswith="member.party_probation").count() == 2


def test_status_page_records_a_death_and_is_scoped(client_for, org):
    member = full_member(org)
    assert client_for("member").get(f"/members/{member.pk}/status/").status_code == 403  # a branch-mate: in view
    client = client_for("branch")
    page = client.get(f"/members/{member.pk}/status/")
    assert page.status_code == 200
    assert {v for v, _ in page.context["form"].fields["to"].choices if v} == {
        "died", "resigned", "lapsed", "removed", "expelled", "suspended"}
    form = {"to": "died", "effective_on": timezone.localdate().isoformat(), "reason": "因病逝世", "document": ""}
    response = client.post(f"/members/{member.pk}/status/", form)
    assert response.status_code == 200 and "confirm" in response.context["form"].errors  # must confirm
    response = client.post(f"/members/{member.pk}/status/", form | {"confirm": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.DIED and member.status not in ON_ROLL
    detail = client.get(f"/members/{member.pk}/")
    assert list(detail.context["standing_changes"])[0].to_status == "died"
    assert client_for("sibling").get(f"/members/{member.pk}/status/").status_code == 404
    assert client_for("member").get(f"/members/{member.pk}/").status_code == 404  # off the roll: out of the branch's view


def test_party_probation_page(client_for, org):
    member = full_member(org)
    client = client_for("branch")
    today = timezone.localdate()
    assert client.get(f"/members/{member.pk}/party-probation/").status_code == 200
    response = client.post(f"/members/{member.pk}/party-probation/", {
        "effective_on": today.isoformat(), "until": add_years(today, 1).isoformat(), "reason": "违纪", "confirm": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.party_probation_until == add_years(today, 1)
    response = client.post(f"/members/{member.pk}/party-probation/", {"effective_on": today.isoformat(), "reason": "期满"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.party_probation_until is None
