"""Affair admission: the re-review period of each admission authority (a local rule pack may set its
own), used alike by a request's page, the "due" list and the workbench; double clicks and concurrent
procedure copies."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from dangjian.core.models import RulePack

from .. import services_admission as services
from ..choices import LinkKind
from ..models import AdmissionProcedure, AffairAdmission
from ..selectors_admission import admission_list, is_due, renewal_days_by_authority
from ..workbench_admission import items
from .fixtures_admission import make_request

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


def admitted(actor, **overrides):
    admission = services.admission_transition(actor=actor, admission=make_request(actor, **overrides),
                                              action="submit", today=TODAY)
    while admission.current_link.kind != LinkKind.DECIDE:
        admission = services.admission_transition(actor=actor, admission=admission, action="pass", today=TODAY)
    return services.admission_transition(actor=actor, admission=admission, action="admit", comment="依法准入",
                                         today=TODAY)


def test_each_authority_keeps_its_own_re_review_period(personas, org):
    admin = personas["admin"]
    ends = {"starts_on": datetime.date(2026, 1, 1), "ends_on": TODAY + datetime.timedelta(days=30)}
    street_task = admitted(admin, title="街道的事项", **ends)
    town_task = admitted(admin, title="镇的事项", authority=org["town"], communities=[], **ends)
    # The street's own pack: re-review only within 10 days of the end (national: 60).
    RulePack.objects.create(code="test-jiangbin-admission", version="1", title="江滨街道准入", data={
        "coverage": {"admission_renewal_days": 10}}, organization_code=org["street"].code,
        effective_from=datetime.date(2026, 1, 1))
    days = renewal_days_by_authority(AffairAdmission.objects.all(), TODAY)
    assert days[org["street"].pk] == 10 and days[org["town"].pk] == 60
    assert not is_due(street_task, TODAY) and is_due(town_task, TODAY)
    due = list(admission_list(admin, status="due", today=TODAY))
    assert town_task in due and street_task not in due
    assert items(user=personas["organizer"], today=TODAY) == []
    later = TODAY + datetime.timedelta(days=25)
    assert street_task in admission_list(admin, status="due", today=later)
    assert [i for i in items(user=personas["organizer"], today=later) if "1" in i["text"]]
    with pytest.raises(ValidationError) as exc:
        services.admission_renew(actor=admin, admission=street_task, today=TODAY)
    assert exc.value.code == "not_due"


def test_the_workbench_counts_what_the_user_may_move(personas):
    services.admission_transition(actor=personas["organizer"], admission=make_request(personas["organizer"]),
                                  action="submit")
    assert len(items(user=personas["organizer"], today=TODAY)) == 1
    for persona in ("community", "auditor", "member"):
        assert items(user=personas[persona], today=TODAY) == []


def test_a_second_renewal_of_the_same_task_is_refused(personas):
    task = admitted(personas["organizer"], starts_on=datetime.date(2026, 1, 1), ends_on=TODAY)
    services.admission_renew(actor=personas["organizer"], admission=task, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.admission_renew(actor=personas["organizer"], admission=task, today=TODAY)
    assert exc.value.code == "renewal_open"
    assert AffairAdmission.objects.filter(renewal_of=task).count() == 1


def test_a_copy_whose_version_was_taken_at_the_same_moment_gets_a_clear_message(personas, org, monkeypatch):
    shipped = AdmissionProcedure.objects.get(organization__isnull=True, code="community-affairs")

    def taken(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: coverage_procedure_version_once")

    monkeypatch.setattr(AdmissionProcedure.objects, "create", taken)
    with pytest.raises(ValidationError) as exc:
        services.procedure_copy(actor=personas["organizer"], procedure=shipped, organization=org["street"])
    assert exc.value.code == "version_taken"
    monkeypatch.undo()
    assert not AdmissionProcedure.objects.filter(organization=org["street"]).exists()
    copy = services.procedure_copy(actor=personas["organizer"], procedure=shipped, organization=org["street"])
    assert copy.links.count() == 10
