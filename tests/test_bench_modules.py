"""The records of the remaining modules the benchmarks add (``bench/modules.py``), on the test
database's demo city (its 江滨 sub-district)."""
import datetime
import io

import pytest

from bench import modules
from bench.scale import fill_meetings
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def street(db, org):
    return org["street"]


def test_attendance_and_study_hours_follow_the_meetings(street):
    from dangjian.orglife.choices import AttendanceStatus, MeetingKind
    from dangjian.orglife.models import Attendance, Meeting, StudyRecord

    Meeting.objects.all().delete()
    fill_meetings(year=TODAY.year, seed=3, today=TODAY)
    written = modules.fill_attendance(root=street, seed=3, stdout=io.StringIO(), today=TODAY)
    assert written == Attendance.objects.count() > 0
    for meeting in Meeting.objects.filter(organization__path__startswith=street.path, attendances__isnull=False) \
            .distinct()[:20]:
        invited = set(meeting.attendances.values_list("member_id", flat=True))
        if meeting.kind == MeetingKind.GROUP_MEETING:
            expected = Member.objects.filter(party_group=meeting.organization, status__in=ON_ROLL)
        elif meeting.kind == MeetingKind.COMMITTEE_MEETING:
            continue
        else:
            expected = Member.objects.filter(organization=meeting.organization, status__in=ON_ROLL)
        assert invited == set(expected.values_list("pk", flat=True))
        present = set(meeting.attendances.filter(status=AttendanceStatus.PRESENT).values_list("member_id", flat=True))
        credited = StudyRecord.objects.filter(meeting=meeting)
        assert set(credited.values_list("member_id", flat=True)) == (present if meeting.study_hours else set())
        assert all(r.hours == meeting.study_hours for r in credited)


def test_every_module_gets_records_in_the_sub_district(street):
    from dangjian.care.models import HardshipCase
    from dangjian.centres.models import ServiceCentre, ServiceRecord
    from dangjian.core.models import AuditEntry
    from dangjian.notices.models import Notice, Notification
    from dangjian.pairings.models import Pairing
    from dangjian.volunteers.models import SignUp, VolunteerTeam
    from dangjian.wishes.models import Wish

    before = AuditEntry.objects.count()
    out = io.StringIO()
    assert modules.fill_audit(seed=3, stdout=out, today=TODAY) == Member.objects.count()
    assert AuditEntry.objects.count() == before + Member.objects.count()
    assert modules.fill_care(root=street, seed=3, stdout=out, today=TODAY) == HardshipCase.objects.count()
    assert modules.fill_volunteers(root=street, seed=3, stdout=out, today=TODAY) == SignUp.objects.count() > 0
    assert modules.fill_wishes(root=street, seed=3, stdout=out, today=TODAY) == Wish.objects.count() > 0
    assert modules.fill_centres(root=street, seed=3, stdout=out, today=TODAY) == ServiceRecord.objects.count() > 0
    assert modules.fill_notices(root=street, seed=3, stdout=out, today=TODAY) == Notice.objects.count() > 0
    modules.fill_pairings(root=street, seed=3, stdout=out, today=TODAY)
    units = modules.communities(street)
    assert units and all(u.path.startswith(street.path) for u in units)
    assert VolunteerTeam.objects.filter(organization__in=units).count() == len(units)
    assert ServiceCentre.objects.count() == len(units) + 1
    assert all(c.coverage.filter(pk=c.organization_id).exists() for c in ServiceCentre.objects.all())
    for wish in Wish.objects.all()[:30]:
        assert wish.created_at.date() <= TODAY and wish.organization.path.startswith(street.path)
    assert Notification.objects.filter(user__username="organizer").exists()
    for pairing in Pairing.objects.select_related("household__building__grid__organization", "organization"):
        assert pairing.organization.path.startswith(pairing.household.building.grid.organization.path)
    # Deterministic for a seed and day.
    first = sorted(Wish.objects.values_list("organization_id", "text", "status", "surname"))
    Wish.objects.all().delete()
    modules.fill_wishes(root=street, seed=3, today=TODAY)
    assert sorted(Wish.objects.values_list("organization_id", "text", "status", "surname")) == first
