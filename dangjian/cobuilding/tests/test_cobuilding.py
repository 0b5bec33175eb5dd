"""Co-building services and scope: bookings refused on conflict, agreements expiring, counts derived."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.cobuilding import selectors, services
from dangjian.cobuilding.choices import BookingStatus
from dangjian.cobuilding.models import Agreement, PartnerUnit, ResourceBooking
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member

from .fixtures import make_resource, make_unit, tomorrow

TODAY = timezone.localdate()
T = datetime.time


def test_phone_is_encrypted_and_masked(org):
    unit = make_unit(org["community"])
    assert unit.phone_masked == "138****1234"
    assert PartnerUnit.objects.get(pk=unit.pk).contact_phone == "13805711234"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM cobuilding_partnerunit WHERE id = %s", [unit.pk])
        assert "13805711234" not in cursor.fetchone()[0]


def test_scope(org, personas):
    mine = make_unit(org["community"])
    other = make_unit(org["town"], name="青山镇卫生院")
    seen = lambda who: set(PartnerUnit.objects.restrict(personas[who], "view").values_list("pk", flat=True))  # noqa: E731
    assert {mine.pk, other.pk} <= seen("city")
    assert mine.pk in seen("organizer") and other.pk not in seen("organizer")
    assert mine.pk in seen("community") and other.pk not in seen("community")
    assert mine.pk in seen("auditor")
    for who in ("branch", "sibling", "member", "resident", "grid"):
        assert mine.pk not in seen(who)
    assert not PartnerUnit.objects.restrict(personas["auditor"], "change").filter(pk=mine.pk).exists()


def test_booking_conflicts_are_refused(org):
    resource = make_resource(make_unit(org["community"]))
    first = services.booking_request(actor=None, resource=resource, day=tomorrow(), starts_at=T(9), ends_at=T(11),
                                     purpose="运动会")
    with pytest.raises(ValidationError) as exc:
        services.booking_request(actor=None, resource=resource, day=tomorrow(), starts_at=T(10), ends_at=T(12),
                                 purpose="另一活动")
    assert "starts_at" in exc.value.message_dict
    # Touching slots are fine; a declined booking frees its slot.
    services.booking_request(actor=None, resource=resource, day=tomorrow(), starts_at=T(11), ends_at=T(12),
                             purpose="接着用")
    services.booking_transition(actor=None, booking=first, action="decline", note="考试")
    services.booking_request(actor=None, resource=resource, day=tomorrow(), starts_at=T(9), ends_at=T(10),
                             purpose="改期后")
    with pytest.raises(ValidationError):
        services.booking_request(actor=None, resource=resource, day=tomorrow(), starts_at=T(12), ends_at=T(11),
                                 purpose="倒过来")


def test_booking_transitions_are_logged(org, personas):
    resource = make_resource(make_unit(org["community"]))
    booking = services.booking_request(actor=personas["community"], resource=resource, day=TODAY,
                                       starts_at=T(9), ends_at=T(10), purpose="议事会")
    with pytest.raises(ValidationError):
        services.booking_transition(actor=None, booking=booking, action="use")  # not approved yet
    services.booking_transition(actor=personas["community"], booking=booking, action="approve")
    services.booking_transition(actor=personas["community"], booking=booking, action="use")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.USED
    assert [(e.from_status, e.to_status) for e in booking.log.all()] == [
        ("", "requested"), ("requested", "approved"), ("approved", "used")]
    with pytest.raises(ValidationError):
        services.booking_transition(actor=None, booking=booking, action="decline", note="晚了")
    assert AuditEntry.objects.filter(action="resource_booking.use").exists()


def test_agreements_expiring_are_flagged(org, personas):
    unit = make_unit(org["community"])
    start = TODAY - datetime.timedelta(days=300)
    soon = services.agreement_sign(actor=None, unit=unit, signed_on=start, term_start=start,
                                   term_end=TODAY + datetime.timedelta(days=10), terms="共建")
    later = services.agreement_sign(actor=None, unit=unit, signed_on=start, term_start=start,
                                    term_end=TODAY + datetime.timedelta(days=90), terms="共建")
    past = services.agreement_sign(actor=None, unit=unit, signed_on=start, term_start=start,
                                   term_end=TODAY - datetime.timedelta(days=1), terms="共建")
    assert soon.expiring(TODAY) and not later.expiring(TODAY) and not past.expiring(TODAY) and past.expired(TODAY)
    flagged = Agreement.objects.filter(selectors.expiring_filter(TODAY))
    assert set(flagged.values_list("pk", flat=True)) == {soon.pk}
    counts = selectors.counts(personas["community"], org["community"], TODAY)
    assert counts["agreements_expiring"] == 1 and counts["agreements_in_force"] == 2


def test_counts_are_derived(org, personas):
    user = personas["community"]
    before = selectors.counts(user, org["community"], TODAY)
    unit = make_unit(org["community"])
    member = Member.objects.on_roll().filter(organization=org["branch"]).order_by("pk").first()
    services.member_register(actor=None, member=member, organization=org["community"], registered_on=TODAY,
                             intentions="巡逻")
    with pytest.raises(ValidationError):
        services.member_register(actor=None, member=member, organization=org["community"], registered_on=TODAY)
    services.project_create(actor=None, organization=org["community"], title="共建", area="services", units=[unit],
                            starts_on=TODAY)
    after = selectors.counts(user, org["community"], TODAY)
    assert after["units"] == before["units"] + 1
    assert after["members"] == before["members"] + 1
    assert after["projects"] == before["projects"] + 1
    rows = {r["org"].pk: r for r in selectors.counts_by_community(user, org["street"])}
    assert rows[org["community"].pk]["units"] >= 1 and rows[org["community"].pk]["members"] >= 1
    # Others see none of it.
    assert selectors.counts(personas["sibling"], org["community"], TODAY)["units"] == 0


def test_project_units_must_be_of_the_community(org):
    other = make_unit(org["town"], name="青山镇卫生院")
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=None, organization=org["community"], title="x", area="services",
                                units=[other], starts_on=TODAY)
    assert "units" in exc.value.message_dict


def test_reveal_is_logged(org, personas):
    unit = make_unit(org["community"])
    with pytest.raises(ValidationError):
        services.unit_reveal(actor=personas["community"], unit=unit, purpose="")
    assert services.unit_reveal(actor=personas["community"], unit=unit, purpose="联系共建") == "13805711234"
    assert AuditEntry.objects.filter(action="partner_unit.revealed").count() == 1


def test_build_demo(org):
    from dangjian.cobuilding.demo import build_demo

    build_demo(seed=1)
    assert PartnerUnit.objects.filter(organization=org["community"]).count() == 5
    assert ResourceBooking.objects.filter(resource__unit__organization=org["community"]).count() == 3
    assert Agreement.objects.filter(selectors.expiring_filter(TODAY)).count() == 1
    build_demo(seed=1)  # a second run changes nothing
    assert PartnerUnit.objects.filter(organization=org["community"]).count() == 5
