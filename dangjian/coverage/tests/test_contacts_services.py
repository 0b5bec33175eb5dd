"""Assignments to firms and contact logs: the services, their refusals, and coverage following
from an instructor's term (issue 8, scope 3)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.coverage import selectors, selectors_contacts, services_contacts, workbench_contacts
from dangjian.coverage.choices import Coverage
from dangjian.coverage.models import Firm
from dangjian.members.models import Member

from .fixtures import make_firm
from .fixtures_contacts import make_assignment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def coverage_of(firm, on=None):
    return selectors.with_coverage(Firm.objects.filter(pk=firm.pk), on).get().coverage


def test_an_instructor_assigned_through_the_service_makes_the_firm_guided_until_the_term_ends(personas, org):
    organizer = personas["organizer"]
    firm = make_firm(organizer, org["community"], 9401)
    assert coverage_of(firm) == Coverage.NONE
    assignment = make_assignment(organizer, firm, appointed_by=org["street"], started_on=days(-30))
    assert coverage_of(firm) == Coverage.GUIDED
    assert coverage_of(firm, days(-31)) == Coverage.NONE
    assert AuditEntry.objects.filter(action="firm_assignment.created", object_id=str(assignment.pk)).exists()

    services_contacts.assignment_end(actor=organizer, assignment=assignment, ended_on=days(-1), reason="任期届满")
    assert coverage_of(firm) == Coverage.NONE
    assert coverage_of(firm, days(-2)) == Coverage.GUIDED
    # A contact leader alone brings no Party work coverage.
    make_assignment(organizer, firm, appointed_by=org["street"], role="leader", name="李书记")
    assert coverage_of(firm) == Coverage.NONE


def test_the_same_person_cannot_hold_two_open_terms_of_one_role_for_a_firm(personas, org):
    organizer = personas["organizer"]
    firm = make_firm(organizer, org["community"], 9402)
    make_assignment(organizer, firm, appointed_by=org["community"], name="王指导")
    with pytest.raises(ValidationError):
        make_assignment(organizer, firm, appointed_by=org["street"], name="王指导")
    make_assignment(organizer, firm, appointed_by=org["street"], name="王指导", role="liaison")
    make_assignment(organizer, firm, appointed_by=org["street"], name="赵指导")


def test_appointment_by_area_or_by_sector_only_and_within_the_actors_scope(personas, org):
    firm = make_firm(personas["organizer"], org["community"], 9403)
    with pytest.raises(PermissionDenied):  # the community secretary cannot appoint for the street
        make_assignment(personas["community"], firm, appointed_by=org["street"])
    with pytest.raises(ValidationError) as outside:  # the town looks after neither area nor sector
        make_assignment(personas["city"], firm, appointed_by=org["town"])
    assert "appointed_by" in outside.value.message_dict
    Firm.objects.filter(pk=firm.pk).update(sector_organization=org["town"])
    firm.refresh_from_db()
    assert make_assignment(personas["city"], firm, appointed_by=org["town"]).appointed_by == org["town"]  # 双重管理


def test_a_member_record_gives_the_name_and_must_be_in_sight(personas, org):
    organizer = personas["organizer"]
    firm = make_firm(organizer, org["community"], 9404)
    member = Member.objects.get(user=personas["member"])
    assignment = make_assignment(organizer, firm, appointed_by=org["street"], role="leader", name="", member=member)
    assert assignment.name == member.name
    town_member = Member.objects.filter(organization__path__startswith=org["town"].path).first()
    with pytest.raises(PermissionDenied):
        make_assignment(personas["community"], firm, appointed_by=org["community"], name="", member=town_member)


def test_ending_a_term_checks_the_day_and_the_reason(personas, org):
    organizer = personas["organizer"]
    firm = make_firm(organizer, org["community"], 9405)
    assignment = make_assignment(organizer, firm, appointed_by=org["community"], started_on=days(-10))
    with pytest.raises(ValidationError) as early:
        services_contacts.assignment_end(actor=organizer, assignment=assignment, ended_on=days(-11), reason="调整")
    assert "ended_on" in early.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        services_contacts.assignment_end(actor=organizer, assignment=assignment, ended_on=TODAY, reason=" ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(PermissionDenied):
        services_contacts.assignment_end(actor=personas["auditor"], assignment=assignment, ended_on=TODAY, reason="x")
    services_contacts.assignment_end(actor=organizer, assignment=assignment, ended_on=TODAY, reason="调整")
    with pytest.raises(ValidationError):
        services_contacts.assignment_end(actor=organizer, assignment=assignment, ended_on=TODAY, reason="再次")


def test_contacts_are_logged_by_the_assigned_person_or_the_appointing_side(personas, org):
    organizer = personas["organizer"]
    firm = make_firm(organizer, org["community"], 9406)
    member = Member.objects.get(user=personas["member"])
    assignment = make_assignment(organizer, firm, appointed_by=org["community"], role="leader", member=member,
                                 started_on=days(-20))
    own = services_contacts.contact_log_add(actor=personas["member"], assignment=assignment, contacted_on=days(-1),
                                            topic="座谈", problems="缺少活动场地")
    assert own.recorded_by == personas["member"]
    services_contacts.contact_log_add(actor=personas["community"], assignment=assignment, contacted_on=TODAY,
                                      topic="电话回访")
    for actor in ("sibling", "auditor", "branch"):
        with pytest.raises(PermissionDenied):
            services_contacts.contact_log_add(actor=personas[actor], assignment=assignment, contacted_on=TODAY,
                                              topic="x")
    for day, topic, field in ((days(1), "x", "contacted_on"), (days(-21), "x", "contacted_on"), (TODAY, " ", "topic")):
        with pytest.raises(ValidationError) as bad:
            services_contacts.contact_log_add(actor=organizer, assignment=assignment, contacted_on=day, topic=topic)
        assert field in bad.value.message_dict
    assert AuditEntry.objects.filter(action="contact_log.added", object_id=str(own.pk)).exists()


def test_solving_a_contacts_problems(personas, org):
    organizer = personas["organizer"]
    firm = make_firm(organizer, org["community"], 9407)
    assignment = make_assignment(organizer, firm, appointed_by=org["community"], started_on=days(-20))
    log = services_contacts.contact_log_add(actor=organizer, assignment=assignment, contacted_on=days(-5),
                                            topic="走访", problems="党员组织关系未转入")
    plain = services_contacts.contact_log_add(actor=organizer, assignment=assignment, contacted_on=days(-5), topic="走访")
    with pytest.raises(ValidationError):
        services_contacts.contact_log_solve(actor=organizer, log=plain, solution="无", solved_on=TODAY)
    with pytest.raises(ValidationError) as early:
        services_contacts.contact_log_solve(actor=organizer, log=log, solution="已转入", solved_on=days(-6))
    assert "solved_on" in early.value.message_dict
    with pytest.raises(PermissionDenied):
        services_contacts.contact_log_solve(actor=personas["sibling"], log=log, solution="已转入", solved_on=TODAY)
    services_contacts.contact_log_solve(actor=organizer, log=log, solution="已协助转入", solved_on=TODAY)
    log.refresh_from_db()
    assert log.solved and log.solved_on == TODAY
    with pytest.raises(ValidationError):
        services_contacts.contact_log_solve(actor=organizer, log=log, solution="再次", solved_on=TODAY)


def test_a_key_firm_not_contacted_within_the_interval_is_flagged_on_my_list_and_workbench(personas, org):
    organizer, user = personas["organizer"], personas["member"]
    member = Member.objects.get(user=user)
    quiet = make_firm(organizer, org["community"], 9408, name="久未联系企业")
    recent = make_firm(organizer, org["community"], 9409, name="近期联系企业")
    stale = make_assignment(organizer, quiet, appointed_by=org["community"], role="leader", member=member,
                            started_on=days(-200))
    fresh = make_assignment(organizer, recent, appointed_by=org["community"], role="leader", member=member,
                            started_on=days(-200))
    services_contacts.contact_log_add(actor=user, assignment=fresh, contacted_on=days(-10), topic="走访",
                                      problems="融资难")
    rows = {r.pk: r for r in selectors_contacts.mine(user, TODAY)}
    assert rows[stale.pk].due and not rows[fresh.pk].due
    assert rows[fresh.pk].last_contact == days(-10) and rows[fresh.pk].unsolved == 1
    items = workbench_contacts.items(user=user, today=TODAY)
    texts = " ".join(i["text"] for i in items)
    assert "久未联系企业" in texts and "近期联系企业" not in texts
    assert any(i["url"].endswith("?tab=mine") for i in items)  # the open problem
    assert workbench_contacts.items(user=personas["sibling"], today=TODAY) == []


def test_due_follows_the_rule_of_the_appointing_organization_everywhere(client_for, personas, org, monkeypatch):
    """A community that asks for a contact every 30 days flags its leader's firm at 40 days on the
    list, the assignment page and the workbench alike; the street's 90 days do not."""
    from django.urls import reverse

    asked = []

    def every(key, *, organization=None, on=None, default=None):
        asked.append(organization)
        return 30 if organization == org["community"] else 90

    monkeypatch.setattr(selectors_contacts, "rule_value", every)
    organizer, user = personas["organizer"], personas["member"]
    member = Member.objects.get(user=user)
    near = make_firm(organizer, org["community"], 9420, name="社区联系企业")
    far = make_firm(organizer, org["community"], 9421, name="街道联系企业")
    by_community = make_assignment(organizer, near, appointed_by=org["community"], role="leader", member=member,
                                   started_on=days(-40))
    by_street = make_assignment(organizer, far, appointed_by=org["street"], role="leader", member=member,
                                started_on=days(-40))
    rows = {r.pk: r for r in selectors_contacts.mine(user, TODAY)}
    assert rows[by_community.pk].due and rows[by_community.pk].every == 30
    assert not rows[by_street.pk].due and rows[by_street.pk].every == 90
    assert asked.count(org["community"]) == 1  # read once per organization
    texts = " ".join(i["text"] for i in workbench_contacts.items(user=user, today=TODAY))
    assert "社区联系企业" in texts and "街道联系企业" not in texts
    client = client_for("member")
    assert client.get(reverse("coverage:assignment", args=[by_community.pk])).context["due"]
    assert not client.get(reverse("coverage:assignment", args=[by_street.pk])).context["due"]
    mine = client.get(reverse("coverage:assignments"), {"tab": "mine"})
    assert mine.context["due_count"] == 1
