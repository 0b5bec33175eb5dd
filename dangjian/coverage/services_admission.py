"""Writes of affair admission (社区事务准入): procedure versions and the requests that walk them.

A department asks to push a task onto communities; the admission authority (a city or sub-district
committee) records the request and takes it through the links of its procedure. The life of a
request is the table :data:`TRANSITIONS`, applied by the one service :func:`admission_transition`.
A published procedure is never changed: an organization copies it into a draft, edits the links and
publishes the draft, which retires its previous version; each request keeps the version it used.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.access import covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text
from dangjian.organizations.choices import UnitKind
from dangjian.organizations.models import Organization

from .choices import NOT_AREA_TYPES, AdmissionStatus, LinkKind, ProcedureStatus, ReviewOutcome
from .models import AdmissionLink, AdmissionProcedure, AdmissionReview, AffairAdmission
from .selectors_admission import is_due, procedure_for
from .services_firms import require_scope

S = AdmissionStatus


@dataclass(frozen=True)
class Move:
    """One row of the transition table: from which statuses, the status after (None: unchanged),
    the review outcome logged, whether a comment is required, and on which kind of link it is taken
    (``decide``: only on the decision link; ``not_decide``: anywhere but)."""

    sources: tuple[str, ...]
    target: str | None
    outcome: str
    comment_required: bool = False
    link: str = ""


TRANSITIONS: dict[str, Move] = {
    "submit": Move((S.DRAFT, S.RETURNED), S.IN_REVIEW, ReviewOutcome.SUBMITTED),
    # After admission the request goes on through the remaining links (publication, delivery).
    "pass": Move((S.IN_REVIEW, S.ADMITTED), None, ReviewOutcome.PASSED, link="not_decide"),
    "return": Move((S.IN_REVIEW,), S.RETURNED, ReviewOutcome.RETURNED, comment_required=True),
    "admit": Move((S.IN_REVIEW,), S.ADMITTED, ReviewOutcome.ADMITTED, comment_required=True, link="decide"),
    "refuse": Move((S.IN_REVIEW,), S.REFUSED, ReviewOutcome.REFUSED, comment_required=True, link="decide"),
    "withdraw": Move((S.DRAFT, S.RETURNED, S.IN_REVIEW), S.WITHDRAWN, ReviewOutcome.WITHDRAWN),
}

ACTION_LABELS = {"submit": gettext_lazy("Submit"), "pass": gettext_lazy("Pass this link"),
                 "return": gettext_lazy("Return to the department"), "admit": gettext_lazy("Admit"),
                 "refuse": gettext_lazy("Refuse"), "withdraw": gettext_lazy("Withdraw")}

EDITABLE = (S.DRAFT, S.RETURNED)
TEXT_LIMITS = {"title": 200, "department": 100, "contact_person": 50, "contact_phone": 30, "description": 4000,
               "legal_basis": 2000, "resources": 2000}
REQUIRED = ("title", "department", "description", "legal_basis")


def _today(today):
    return today or timezone.localdate()


def _link_allows(move: Move, link: AdmissionLink | None) -> bool:
    if move.link == "decide":
        return link is not None and link.kind == LinkKind.DECIDE
    if move.link == "not_decide":
        return link is not None and link.kind != LinkKind.DECIDE
    return True


def allowed_actions(user, admission: AffairAdmission) -> list[str]:
    """The moves ``user`` may make on ``admission`` now (for the page's buttons and the API)."""
    if not covers(user_scope(user, "transition"), admission.organization):
        return []
    return [name for name, move in TRANSITIONS.items()
            if admission.status in move.sources and _link_allows(move, admission.current_link)
            and not (name == "pass" and admission.status == S.ADMITTED and admission.current_link is None)]


def _next_link(admission: AffairAdmission) -> AdmissionLink | None:
    return (AdmissionLink.objects.filter(procedure=admission.procedure_id, position__gt=admission.current_link.position)
            .order_by("position").first())


def admission_transition(*, actor, admission: AffairAdmission, action: str, comment: str = "",
                         today: datetime.date | None = None) -> AffairAdmission:
    """Move a request by the table: submit, pass a link, return, admit, refuse, withdraw. The row is
    locked, the move checked against its status and current link, logged as a review and audited."""
    today = _today(today)
    move = TRANSITIONS.get(action)
    if move is None:
        raise ValidationError(_("Unknown action."), code="unknown_action")
    require_scope(actor, "transition", admission.organization)
    comment = clean_plain_text(comment, "comment", 2000)
    with transaction.atomic():
        admission = (AffairAdmission.objects.select_for_update(of=("self",)).select_related("current_link", "organization")
                     .get(pk=admission.pk))
        if admission.status not in move.sources:
            raise ValidationError(_("A request that is %(status)s cannot take the step “%(action)s”.") % {
                "status": admission.get_status_display(), "action": ACTION_LABELS[action]}, code="status")
        link = admission.current_link
        if not _link_allows(move, link):
            if move.link == "decide":
                raise ValidationError(_("The decision is taken only at the decision link."), code="not_decide_link")
            raise ValidationError(_("At the decision link, admit or refuse the task."), code="decide_link")
        if move.comment_required and not comment:
            message = (_("Give the reasons for the decision.") if move.link == "decide"
                       else _("Say what the department must change."))
            raise ValidationError({"comment": message}, code="comment_required")
        before = admission.status
        if action == "submit":
            admission.current_link = admission.procedure.links.order_by("position").first()
        elif action in ("pass", "admit"):
            admission.current_link = _next_link(admission)
        else:
            admission.current_link = None
        if action in ("admit", "refuse"):
            admission.decided_on, admission.decision_reasons = today, comment
        if move.target:
            admission.status = move.target
        admission.save(update_fields=["status", "current_link", "decided_on", "decision_reasons"])
        AdmissionReview.objects.create(admission=admission, link=link if action != "submit" else None,
                                       outcome=move.outcome, comment=comment,
                                       actor=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action=f"affair.{action}", obj=admission, organization=admission.organization,
                  changes={"status": [before, admission.status], "link": link.name if link else ""}, note=comment)
    return admission


# ----- the request's content ------------------------------------------------------------------

def is_authority(organization: Organization) -> bool:
    """Whether ``organization`` may run admission or own a procedure: above branch level and above
    the communities (admission protects communities from tasks pushed onto them)."""
    return organization.org_type not in NOT_AREA_TYPES and organization.unit_kind != UnitKind.COMMUNITY


def _clean(fields: dict, authority: Organization, communities) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = dict(fields)
    for key, limit in TEXT_LIMITS.items():
        if key in cleaned:
            try:
                cleaned[key] = clean_plain_text(cleaned[key], key, limit, required=key in REQUIRED)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if not is_authority(authority):
        errors["organization"] = [_("Admission is run by a city or sub-district committee above the communities.")]
    try:
        funding = Decimal(str(cleaned.get("funding") if cleaned.get("funding") not in (None, "") else 0))
        if funding < 0:
            errors["funding"] = [_("Funding cannot be negative.")]
        cleaned["funding"] = funding
    except InvalidOperation:
        errors["funding"] = [_("Enter an amount in yuan.")]
    starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
    if not starts:
        errors["starts_on"] = [_("Give the day the task would start.")]
    elif ends and ends < starts:
        errors["ends_on"] = [_("The task cannot end before it starts.")]
    outside = [c.name for c in communities if c.pk == authority.pk or not c.path.startswith(authority.path)]
    if outside:
        errors["communities"] = [_("Not under the admission authority: %(names)s.") % {"names": "、".join(outside)}]
    if errors:
        raise ValidationError(errors)
    return cleaned


FIELDS = ("title", "department", "contact_person", "contact_phone", "description", "legal_basis", "resources",
          "funding", "starts_on", "ends_on")


def admission_create(*, actor, organization: Organization, communities=(), renewal_of=None,
                     **fields) -> AffairAdmission:
    """Record a department's request as a draft of ``organization`` (the admission authority); it
    will run the procedure in force for the authority (:func:`selectors_admission.procedure_for`)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not a request field: {sorted(unknown)}")
    require_scope(actor, "add", organization)
    communities = list(communities)
    cleaned = _clean(fields, organization, communities)
    procedure = procedure_for(organization)
    if procedure is None:
        raise ValidationError(_("No admission procedure is published."), code="no_procedure")
    with transaction.atomic():
        admission = AffairAdmission.objects.create(
            organization=organization, procedure=procedure, renewal_of=renewal_of,
            created_by=actor if getattr(actor, "pk", None) else None, **cleaned)
        admission.communities.set(communities)
        audit_log(actor=actor, action="affair.renewed" if renewal_of else "affair.created", obj=admission,
                  organization=organization, changes={"department": admission.department,
                                                      "procedure": str(procedure),
                                                      **({"renewal_of": renewal_of.pk} if renewal_of else {})})
    return admission


def admission_update(*, actor, admission: AffairAdmission, communities=None, **fields) -> AffairAdmission:
    """Change a draft or returned request's content (not its authority or procedure)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not a request field: {sorted(unknown)}")
    require_scope(actor, "change", admission.organization)
    with transaction.atomic():
        admission = AffairAdmission.objects.select_for_update(of=("self",)).select_related("organization").get(pk=admission.pk)
        if admission.status not in EDITABLE:
            raise ValidationError(_("Only a draft or a returned request can be changed."), code="not_editable")
        merged = {k: getattr(admission, k) for k in FIELDS} | fields
        chosen = list(communities) if communities is not None else list(admission.communities.all())
        cleaned = _clean(merged, admission.organization, chosen)
        changed = {k: [str(getattr(admission, k)), str(v)] for k, v in cleaned.items() if getattr(admission, k) != v}
        for key, value in cleaned.items():
            setattr(admission, key, value)
        admission.save()
        if communities is not None:
            admission.communities.set(chosen)
            changed["communities"] = sorted(c.name for c in chosen)
        audit_log(actor=actor, action="affair.updated", obj=admission, organization=admission.organization,
                  changes=changed)
    return admission


def admission_renew(*, actor, admission: AffairAdmission, today: datetime.date | None = None) -> AffairAdmission:
    """Open the re-review of an admitted task that has expired or ends soon: a new draft with its
    content, ``renewal_of`` pointing back, to walk the procedure again."""
    today = _today(today)
    require_scope(actor, "add", admission.organization)
    with transaction.atomic():
        # The original is locked first, so a second click waits and then finds the open renewal.
        admission = AffairAdmission.objects.select_for_update(of=("self",)).select_related("organization").get(pk=admission.pk)
        if not is_due(admission, today):
            raise ValidationError(_("Only an admitted task that has expired or ends within the re-review period "
                                    "can be reviewed again."), code="not_due")
        if admission.renewals.exclude(status__in=(S.WITHDRAWN, S.REFUSED)).exists():
            raise ValidationError(_("A re-review of this task is already open."), code="renewal_open")
        fields = {k: getattr(admission, k) for k in FIELDS}
        length = (admission.ends_on - admission.starts_on) if admission.ends_on else None
        fields["starts_on"] = max(today, admission.ends_on + datetime.timedelta(days=1))
        fields["ends_on"] = fields["starts_on"] + length if length else None
        return admission_create(actor=actor, organization=admission.organization,
                                communities=list(admission.communities.all()), renewal_of=admission, **fields)


# ----- procedures -------------------------------------------------------------------------------

def procedure_copy(*, actor, procedure: AdmissionProcedure, organization: Organization) -> AdmissionProcedure:
    """A new draft version of ``procedure`` owned by ``organization`` (same code, next version), its
    links copied, to be edited and published."""
    if not is_authority(organization):
        raise ValidationError({"organization": _("Admission is run by a city or sub-district committee above "
                                                 "the communities; choose one of them.")})
    require_scope(actor, "change", organization)
    try:
        with transaction.atomic():
            # Versions are numbered per code across organizations: lock every version of the code so
            # that a concurrent copy waits, then sees this one's number.
            list(AdmissionProcedure.objects.select_for_update().filter(code=procedure.code).values_list("pk"))
            version = (AdmissionProcedure.objects.filter(code=procedure.code)
                       .aggregate(v=Max("version"))["v"] or 0) + 1
            copy = AdmissionProcedure.objects.create(organization=organization, code=procedure.code,
                                                     version=version, name=procedure.name, basis=procedure.basis,
                                                     status=ProcedureStatus.DRAFT)
            AdmissionLink.objects.bulk_create(
                AdmissionLink(procedure=copy, position=link.position, step=link.step, step_name=link.step_name,
                              name=link.name, kind=link.kind, days=link.days, guidance=link.guidance)
                for link in procedure.links.order_by("position"))
            audit_log(actor=actor, action="admission_procedure.copied", obj=copy, organization=organization,
                      changes={"from": str(procedure), "version": version})
    except IntegrityError:
        # Only if the version number was taken in spite of the lock (another copy at the same moment).
        raise ValidationError(_("Another version of this procedure was made at the same moment; copy it again."),
                              code="version_taken") from None
    return copy


def _locked_draft(actor, procedure: AdmissionProcedure) -> AdmissionProcedure:
    if procedure.organization is None:
        raise ValidationError(_("The shipped procedure is never changed; copy it."), code="not_draft")
    require_scope(actor, "change", procedure.organization)
    locked = AdmissionProcedure.objects.select_for_update(of=("self",)).select_related("organization").get(pk=procedure.pk)
    if locked.status != ProcedureStatus.DRAFT:
        raise ValidationError(_("A published procedure is never changed; copy it as a new version."),
                              code="not_draft")
    return locked


def check_links(links: list[dict]) -> list[dict]:
    """The links in order, checked: names required, steps from 1 and never going back, a known kind,
    at least one decision link."""
    errors, cleaned, last_step = [], [], 1
    for i, link in enumerate(links, start=1):
        name = (link.get("name") or "").strip()
        step_name = (link.get("step_name") or "").strip()
        step = link.get("step")
        if not name or not step_name:
            errors.append(_("Link %(n)d needs a name and the name of its step.") % {"n": i})
        if not isinstance(step, int) or step < 1:
            errors.append(_("Link %(n)d needs a step number from 1.") % {"n": i})
        elif step < last_step:
            errors.append(_("Link %(n)d goes back to step %(step)d: steps never go back.") % {"n": i, "step": step})
        else:
            last_step = step
        if link.get("kind") not in LinkKind.values:
            errors.append(_("Link %(n)d needs a kind.") % {"n": i})
        cleaned.append({"position": i, "step": step, "step_name": step_name[:50], "name": name[:100],
                        "kind": link.get("kind"), "days": link.get("days"),
                        "guidance": (link.get("guidance") or "").strip()})
    if not cleaned:
        errors.append(_("A procedure has at least one link."))
    elif not any(c["kind"] == LinkKind.DECIDE for c in cleaned):
        errors.append(_("A procedure needs a decision link, where the task is admitted or refused."))
    if errors:
        raise ValidationError(errors, code="links")
    return cleaned


def procedure_links_save(*, actor, procedure: AdmissionProcedure, links: list[dict]) -> AdmissionProcedure:
    """Replace a draft's links with ``links`` (in order; positions become 1..n)."""
    cleaned = check_links(links)
    with transaction.atomic():
        procedure = _locked_draft(actor, procedure)
        procedure.links.all().delete()
        AdmissionLink.objects.bulk_create(AdmissionLink(procedure=procedure, **c) for c in cleaned)
        audit_log(actor=actor, action="admission_procedure.links_saved", obj=procedure,
                  organization=procedure.organization, changes={"links": [c["name"] for c in cleaned]})
    return procedure


def procedure_publish(*, actor, procedure: AdmissionProcedure) -> AdmissionProcedure:
    """Publish a draft: new requests of the organization and those below it use it from now on; the
    organization's previous published version of the code is retired."""
    with transaction.atomic():
        procedure = _locked_draft(actor, procedure)
        check_links(list(procedure.links.order_by("position").values("step", "step_name", "name", "kind", "days",
                                                                     "guidance")))
        retired = list(AdmissionProcedure.objects.filter(
            organization=procedure.organization, code=procedure.code, status=ProcedureStatus.PUBLISHED)
            .values_list("version", flat=True))
        AdmissionProcedure.objects.filter(organization=procedure.organization, code=procedure.code,
                                          status=ProcedureStatus.PUBLISHED).update(status=ProcedureStatus.RETIRED)
        procedure.status, procedure.published_at = ProcedureStatus.PUBLISHED, timezone.now()
        procedure.save(update_fields=["status", "published_at"])
        audit_log(actor=actor, action="admission_procedure.published", obj=procedure,
                  organization=procedure.organization, changes={"version": procedure.version, "retired": retired})
    return procedure
