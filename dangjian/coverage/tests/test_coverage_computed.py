"""Coverage is computed from the org tree and assignments, never typed (issue 8, done when)."""
import datetime

import pytest

from dangjian.coverage import selectors, services_firms
from dangjian.coverage.choices import Coverage
from dangjian.coverage.models import Assignment, Firm
from dangjian.organizations.models import Organization

from .fixtures import make_firm

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)


def coverage_of(firm, on=None):
    return selectors.with_coverage(Firm.objects.filter(pk=firm.pk), on).get().coverage


def test_forming_a_joint_branch_covers_its_firms_with_no_status_edit(personas, org):
    actor = personas["organizer"]
    a, b, c = (make_firm(actor, org["community"], n) for n in (1, 2, 3))
    assert {coverage_of(f) for f in (a, b, c)} == {Coverage.NONE}

    services_firms.joint_branch_form(actor=actor, parent=org["community"], name="滨河商务楼联合党支部",
                                     code="LJTESTJ1", firms=[a, b], on=DAY)

    assert coverage_of(a) == coverage_of(b) == Coverage.JOINT
    assert coverage_of(c) == Coverage.NONE
    assert coverage_of(a, DAY - datetime.timedelta(days=1)) == Coverage.NONE  # history: before it was formed
    counts = selectors.coverage_counts(org["community"])
    assert counts["joint"] == 2 and counts["none"] >= 1


def test_own_branch_beats_joint_and_the_firm_leaves_the_joint_one(personas, org):
    actor = personas["organizer"]
    a, b = make_firm(actor, org["community"], 11), make_firm(actor, org["community"], 12)
    joint = services_firms.joint_branch_form(actor=actor, parent=org["community"], name="联合党支部",
                                             code="LJTESTJ2", firms=[a, b], on=DAY)
    later = DAY + datetime.timedelta(days=30)
    services_firms.firm_branch_form(actor=actor, firm=a, parent=org["community"], name="测试企业11党支部",
                                    code="LJTESTB1", on=later)
    assert coverage_of(a) == Coverage.OWN
    assert not joint.joint_units.filter(unit=a.unit, left_on__isnull=True).exists()
    assert [h["coverage"] for h in selectors.firm_history(a)] == [Coverage.JOINT, Coverage.OWN]


def test_an_instructor_alone_is_guided_coverage_until_the_term_ends(personas, org):
    firm = make_firm(personas["organizer"], org["community"], 21)
    Assignment.objects.create(firm=firm, role="instructor", name="王指导", appointed_by=org["street"],
                              started_on=DAY, ended_on=DAY + datetime.timedelta(days=100))
    assert coverage_of(firm, DAY) == Coverage.GUIDED
    assert coverage_of(firm, DAY + datetime.timedelta(days=100)) == Coverage.NONE


def test_a_dissolved_joint_branch_no_longer_covers(personas, org):
    from dangjian.organizations.services import organization_dissolve

    actor = personas["organizer"]
    a, b = make_firm(actor, org["community"], 31), make_firm(actor, org["community"], 32)
    joint = services_firms.joint_branch_form(actor=actor, parent=org["community"], name="联合党支部3",
                                             code="LJTESTJ3", firms=[a, b], on=DAY)
    organization_dissolve(actor=actor, organization=joint, on=DAY + datetime.timedelta(days=10))
    assert coverage_of(a) == Coverage.NONE
    assert coverage_of(a, DAY + datetime.timedelta(days=5)) == Coverage.JOINT


def test_joint_branch_refuses_covered_firms_and_too_many(personas, org):
    from django.core.exceptions import ValidationError

    actor = personas["organizer"]
    firms = [make_firm(actor, org["community"], 40 + n) for n in range(6)]
    with pytest.raises(ValidationError) as too_many:
        services_firms.joint_branch_form(actor=actor, parent=org["community"], name="六家", code="LJTESTJ4",
                                         firms=firms)
    assert "5" in str(too_many.value)
    services_firms.joint_branch_form(actor=actor, parent=org["community"], name="两家", code="LJTESTJ5",
                                     firms=firms[:2])
    with pytest.raises(ValidationError):
        services_firms.joint_branch_form(actor=actor, parent=org["community"], name="再两家", code="LJTESTJ6",
                                         firms=firms[1:3])


def test_ready_to_form_counts_full_members_on_the_roster(personas, org):
    from dangjian.members.models import Member

    actor = personas["organizer"]
    firm = make_firm(actor, org["community"], 51)
    full = list(Member.objects.filter(organization=org["branch"], status="full")[:3])
    assert len(full) == 3
    Member.objects.filter(pk__in=[m.pk for m in full[:2]]).update(employer=firm.unit)
    assert firm not in selectors.ready_to_form(Firm.objects.all())
    Member.objects.filter(pk=full[2].pk).update(employer=firm.unit)
    ready = selectors.ready_to_form(Firm.objects.all())
    assert firm in ready
    assert next(f for f in ready if f.pk == firm.pk).full_members == 3


def test_stats_give_rates_by_kind_and_area(personas, org):
    actor = personas["organizer"]
    a, b = make_firm(actor, org["community"], 61), make_firm(actor, org["community"], 62, kind="social_organization")
    services_firms.joint_branch_form(actor=actor, parent=org["community"], name="联合党支部6", code="LJTESTJ7",
                                     firms=[a, b], on=DAY)
    c = make_firm(actor, org["community"], 63)
    stats = selectors.coverage_stats(Organization.objects.get_parent(org["community"]))
    community_row = next(r for r in stats.by_area if r["organization"] == org["community"].pk)
    assert community_row["total"] == 3 and community_row["joint"] == 2
    assert str(community_row["organized_rate"]) == "66.67"
    kinds = {row["code"]: row for row in stats.by_kind}
    assert kinds["social_organization"]["joint"] == 1
    assert stats.trend[-1]["joint"] == 2
    assert c.pk
