"""Writes of who works in a firm: members on the roster and recruitment files linked to the firm
(``employer``), which is what the firm's member and activist counts are computed from."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core.access import can
from dangjian.core.audit import audit_log
from dangjian.members.choices import ON_ROLL
from dangjian.recruitment.choices import ApplicantStatus

from .models import Firm
from .services_firms import require_scope


def _person(member, applicant):
    if (member is None) == (applicant is None):
        raise ValidationError(_("Choose one member or one applicant."))
    return member if member is not None else applicant


def firm_staff_link(*, actor, firm: Firm, member=None, applicant=None):
    """Record that a member (on the roll) or an applicant (file in progress) works in ``firm``.

    The actor must keep the firm (change over its area organization) and the person's record."""
    person = _person(member, applicant)
    require_scope(actor, "change", firm.area_organization)
    if not can(actor, "change", person):
        raise PermissionDenied
    if member is not None and member.status not in ON_ROLL:
        raise ValidationError(_("%(name)s is not on the roll.") % {"name": member.name})
    if applicant is not None and applicant.status != ApplicantStatus.IN_PROGRESS:
        raise ValidationError(_("The recruitment file of %(name)s is not in progress.") % {"name": applicant.name})
    if person.employer_id == firm.unit_id:
        raise ValidationError(_("%(name)s is already linked to %(firm)s.") % {"name": person.name, "firm": firm.name})
    before = person.employer.name if person.employer_id else ""
    with transaction.atomic():
        person.employer_id = firm.unit_id
        person.save(update_fields=["employer", "updated_at"])
        audit_log(actor=actor, action="firm.staff_linked", obj=firm, organization=firm.area_organization,
                  changes={"person": person.name, "record": person._meta.model_name, "employer": [before, firm.name]})
    return person


def firm_staff_unlink(*, actor, firm: Firm, member=None, applicant=None):
    """Record that a person no longer works in ``firm`` (the employer link is cleared)."""
    person = _person(member, applicant)
    require_scope(actor, "change", firm.area_organization)
    if not can(actor, "change", person):
        raise PermissionDenied
    if person.employer_id != firm.unit_id:
        raise ValidationError(_("%(name)s is not linked to %(firm)s.") % {"name": person.name, "firm": firm.name})
    with transaction.atomic():
        person.employer = None
        person.save(update_fields=["employer", "updated_at"])
        audit_log(actor=actor, action="firm.staff_unlinked", obj=firm, organization=firm.area_organization,
                  changes={"person": person.name, "record": person._meta.model_name})
    return person
