"""Affair admission: the shipped procedure, a request's walk through its links, returns, decisions,
custom procedure versions, expiry and re-review."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.models import AuditEntry

from .. import services_admission as services
from ..choices import AdmissionStatus, LinkKind, ProcedureStatus, ReviewOutcome
from ..models import AdmissionProcedure, AffairAdmission
from ..selectors_admission import admission_list, procedure_for, public_admissions
from .fixtures_admission import make_request

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


def walk_to_decision(actor, admission):
    if admission.status != AdmissionStatus.IN_REVIEW:
        admission = services.admission_transition(actor=actor, admission=admission, action="submit", today=TODAY)
    while admission.current_link.kind != LinkKind.DECIDE:
        admission = services.admission_transition(actor=actor, admission=admission, action="pass", today=TODAY)
    return admission


def admit(actor, admission, reasons="有法定依据，人员经费随事转移"):
    admission = walk_to_decision(actor, admission)
    return services.admission_transition(actor=actor, admission=admission, action="admit", comment=reasons, today=TODAY)


def test_the_shipped_procedure_has_4_steps_and_10_links():
    procedure = AdmissionProcedure.objects.get(organization__isnull=True, code="community-affairs")
    links = list(procedure.links.all())
    assert len(links) == 10 and {link.step for link in links} == {1, 2, 3, 4}
    assert procedure.status == ProcedureStatus.PUBLISHED
    assert [link.kind for link in links].count(LinkKind.DECIDE) == 1


def test_a_request_walks_every_link_to_admission_and_the_public_list(personas, org):
    organizer = personas["organizer"]
    admission = make_request(organizer, starts_on=TODAY - datetime.timedelta(days=10),
                             ends_on=TODAY + datetime.timedelta(days=300))
    assert admission.status == AdmissionStatus.DRAFT and admission.procedure.organization is None
    admission = admit(organizer, admission)
    assert admission.status == AdmissionStatus.ADMITTED and admission.decided_on == TODAY
    assert admission.current_link.name == "公示准入事项目录"
    admission = services.admission_transition(actor=organizer, admission=admission, action="pass", today=TODAY)
    admission = services.admission_transition(actor=organizer, admission=admission, action="pass", today=TODAY)
    assert admission.current_link is None and admission.status == AdmissionStatus.ADMITTED
    assert services.allowed_actions(organizer, admission) == []
    outcomes = list(admission.reviews.values_list("outcome", flat=True))
    assert outcomes.count(ReviewOutcome.PASSED) == 9 and ReviewOutcome.ADMITTED in outcomes
    assert AuditEntry.objects.filter(action="affair.admit", object_id=str(admission.pk)).exists()
    assert admission in public_admissions(org["street"], TODAY)


def test_returned_then_resubmitted_starts_again_at_link_one(personas):
    organizer = personas["organizer"]
    admission = services.admission_transition(actor=organizer, admission=make_request(organizer), action="submit")
    admission = services.admission_transition(actor=organizer, admission=admission, action="pass")
    with pytest.raises(ValidationError) as exc:
        services.admission_transition(actor=organizer, admission=admission, action="return")
    assert "comment" in exc.value.message_dict
    admission = services.admission_transition(actor=organizer, admission=admission, action="return",
                                              comment="请补充经费测算")
    assert admission.status == AdmissionStatus.RETURNED and admission.current_link is None
    services.admission_update(actor=organizer, admission=admission, funding=50000)
    admission = services.admission_transition(actor=organizer, admission=admission, action="submit")
    assert admission.current_link.position == 1 and admission.funding == 50000


def test_refusal_needs_reasons_and_ends_the_request(personas):
    organizer = personas["organizer"]
    admission = walk_to_decision(organizer, make_request(organizer))
    with pytest.raises(ValidationError):
        services.admission_transition(actor=organizer, admission=admission, action="refuse", comment="  ")
    admission = services.admission_transition(actor=organizer, admission=admission, action="refuse",
                                              comment="无法律依据，属部门自身职责")
    assert admission.status == AdmissionStatus.REFUSED and admission.decision_reasons.startswith("无法律依据")
    assert services.allowed_actions(organizer, admission) == []
    with pytest.raises(ValidationError):
        services.admission_transition(actor=organizer, admission=admission, action="submit")


def test_decide_only_on_the_decide_link_and_pass_never_there(personas):
    organizer = personas["organizer"]
    admission = services.admission_transition(actor=organizer, admission=make_request(organizer), action="submit")
    with pytest.raises(ValidationError) as exc:
        services.admission_transition(actor=organizer, admission=admission, action="admit", comment="同意")
    assert exc.value.code == "not_decide_link"
    admission = walk_to_decision(organizer, AffairAdmission.objects.get(pk=admission.pk))
    with pytest.raises(ValidationError) as exc:
        services.admission_transition(actor=organizer, admission=admission, action="pass")
    assert exc.value.code == "decide_link"
    assert set(services.allowed_actions(organizer, admission)) == {"return", "admit", "refuse", "withdraw"}


def test_only_the_authority_moves_requests(personas):
    admission = make_request(personas["organizer"])
    for persona in ("community", "branch", "auditor"):
        with pytest.raises(PermissionDenied):
            services.admission_transition(actor=personas[persona], admission=admission, action="submit")
    with pytest.raises(PermissionDenied):
        make_request(personas["community"])


def test_request_content_is_checked(personas, org):
    organizer = personas["organizer"]
    with pytest.raises(ValidationError) as exc:
        make_request(organizer, legal_basis="", funding=-1, ends_on=datetime.date(2025, 1, 1),
                     communities=[org["town"]])
    assert {"legal_basis", "funding", "ends_on", "communities"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        make_request(organizer, authority=org["community"], communities=[])
    assert "organization" in exc.value.message_dict


def test_a_custom_version_serves_new_requests_while_old_ones_keep_theirs(personas, org):
    organizer = personas["organizer"]
    shipped = procedure_for(org["street"])
    old = services.admission_transition(actor=organizer, admission=make_request(organizer), action="submit")
    draft = services.procedure_copy(actor=organizer, procedure=shipped, organization=org["street"])
    assert draft.status == ProcedureStatus.DRAFT and draft.code == shipped.code and draft.version > shipped.version
    links = [{"step": 1, "step_name": "申请", "name": "受理", "kind": "check"},
             {"step": 2, "step_name": "审批", "name": "街道党工委决定", "kind": "decide"}]
    with pytest.raises(ValidationError):
        services.procedure_links_save(actor=organizer, procedure=draft, links=[links[0]])
    with pytest.raises(ValidationError):
        services.procedure_links_save(actor=organizer, procedure=draft, links=[links[1], links[0]])
    services.procedure_links_save(actor=organizer, procedure=draft, links=links)
    services.procedure_publish(actor=organizer, procedure=draft)
    with pytest.raises(ValidationError):
        services.procedure_links_save(actor=organizer, procedure=draft, links=links)
    new = make_request(organizer)
    assert new.procedure == draft and procedure_for(org["community"]) == draft
    assert AffairAdmission.objects.get(pk=old.pk).procedure == shipped
    newer = services.procedure_copy(actor=organizer, procedure=draft, organization=org["street"])
    services.procedure_publish(actor=organizer, procedure=newer)
    draft.refresh_from_db()
    assert draft.status == ProcedureStatus.RETIRED
    with pytest.raises(PermissionDenied):
        services.procedure_copy(actor=personas["community"], procedure=shipped, organization=org["street"])


def test_expiry_and_renewal(personas, org):
    organizer = personas["organizer"]
    admission = admit(organizer, make_request(organizer, starts_on=datetime.date(2025, 1, 1),
                                              ends_on=datetime.date(2026, 10, 31)))
    assert admission.expired(TODAY) and not admission.expired(datetime.date(2026, 10, 1))
    assert admission in admission_list(organizer, status="expired", today=TODAY)
    assert admission in admission_list(organizer, status="due", today=TODAY)
    assert admission not in public_admissions(org["street"], TODAY)
    renewal = services.admission_renew(actor=organizer, admission=admission, today=TODAY)
    assert renewal.status == AdmissionStatus.DRAFT and renewal.renewal_of == admission
    assert renewal.starts_on == TODAY and renewal.ends_on > TODAY and list(renewal.communities.all()) == [org["community"]]
    assert admission not in admission_list(organizer, status="due", today=TODAY)
    with pytest.raises(ValidationError):
        services.admission_renew(actor=organizer, admission=admission, today=TODAY)
    fresh = admit(organizer, make_request(organizer, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=365)))
    with pytest.raises(ValidationError) as exc:
        services.admission_renew(actor=organizer, admission=fresh, today=TODAY)
    assert exc.value.code == "not_due"


def test_the_community_sees_requests_concerning_it_and_the_sibling_does_not(personas):
    admission = make_request(personas["organizer"])
    assert AffairAdmission.objects.restrict(personas["community"], "view").filter(pk=admission.pk).exists()
    assert not AffairAdmission.objects.restrict(personas["community"], "change").filter(pk=admission.pk).exists()
    for persona in ("sibling", "branch", "member", "grid"):
        assert not AffairAdmission.objects.restrict(personas[persona], "view").filter(pk=admission.pk).exists()


def test_demo_builds_requests_in_every_state():
    from ..demo_admission import build

    build(today=TODAY)
    rows = AffairAdmission.objects.filter(organization__name="中共临江市江滨街道工作委员会")
    assert rows.filter(status=AdmissionStatus.ADMITTED).count() == 3
    assert sum(a.expired(TODAY) for a in rows) == 1
    assert rows.get(status=AdmissionStatus.IN_REVIEW).current_link.position == 4
    assert rows.filter(status=AdmissionStatus.REFUSED).exclude(decision_reasons="").count() == 1
    assert rows.filter(status=AdmissionStatus.RETURNED).count() == 1
    build(today=TODAY)
    assert rows.count() == 6
