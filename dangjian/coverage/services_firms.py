"""Writes of the firm register (两新组织名录) and of joint organizations' coverage.

A firm's coverage is never written: forming a joint branch (:func:`joint_branch_form`), a firm's
own organization (:func:`firm_branch_form`) or an instructor's assignment changes it, because the
selectors compute it from those records.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import covers, user_scope
from dangjian.core.audit import audit_log
from dangjian.core.rules import rule_value
from dangjian.core.validators import clean_plain_text, validate_credit_code
from dangjian.organizations.choices import OrgStatus, OrgType, UnitKind
from dangjian.organizations.models import Organization, Unit
from dangjian.organizations.services import organization_create

from .choices import COUNTED_STATUSES, FIRM_KINDS, FirmStatus
from .models import Firm, JointUnit

# Firm fields besides the unit's (name, kind, credit code, address) a service may set.
FIRM_FIELDS = ("industry", "size", "legal_representative", "established_on", "employees", "area_organization",
               "sector_organization", "building", "floor", "room", "is_key")


def _today(on):
    return on or timezone.localdate()


def require_scope(actor, action: str, organization: Organization) -> None:
    """Refuse (403) an actor whose ``action`` scope does not reach ``organization``."""
    if organization is None or not covers(user_scope(actor, action), organization):
        raise PermissionDenied


def check_credit_code(value: str, *, exclude_unit: int | None = None) -> str:
    """A valid credit code no other unit has, normalized; errors keyed ``credit_code``."""
    try:
        code = validate_credit_code(value)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from exc
    taken = Unit.objects.filter(credit_code=code).exclude(pk=exclude_unit).select_related("firm").first()
    if taken:
        raise ValidationError({"credit_code": _("The credit code %(code)s is already registered for %(name)s.")
                               % {"code": code, "name": taken.name}})
    return code


def _check_fields(fields: dict) -> dict:
    if fields.get("kind") is not None and fields["kind"] not in FIRM_KINDS:
        raise ValidationError({"kind": _("Choose a private enterprise or a social organization.")})
    for key, limit in (("name", 100), ("address", 200), ("legal_representative", 50), ("room", 20)):
        if key in fields:
            fields[key] = clean_plain_text(fields[key], key, limit, required=key == "name")
    established = fields.get("established_on")
    if established is not None and established > timezone.localdate():
        raise ValidationError({"established_on": _("The date established cannot be later than today.")})
    building, floor = fields.get("building"), fields.get("floor")
    if building is not None and floor is not None and floor not in building.floors():
        raise ValidationError({"floor": _("%(building)s has no floor %(floor)d.") % {
            "building": building.name, "floor": floor}})
    return fields


def firm_create(*, actor, name: str, kind: str, credit_code: str, area_organization: Organization,
                address: str = "", **attrs) -> Firm:
    """Register a firm or social organization (登记两新组织) under the organization in charge by area."""
    unknown = set(attrs) - set(FIRM_FIELDS)
    if unknown:
        raise ValueError(f"Not a firm field: {sorted(unknown)}")
    require_scope(actor, "add", area_organization)
    fields = _check_fields({"name": name, "kind": kind, "address": address, **attrs})
    code = check_credit_code(credit_code)
    with transaction.atomic():
        unit = Unit.objects.create(name=fields.pop("name"), kind=fields.pop("kind"), credit_code=code,
                                   address=fields.pop("address"))
        firm = Firm.objects.create(unit=unit, area_organization=area_organization, created_by=actor, **{
            k: v for k, v in fields.items() if k != "area_organization"})
        audit_log(actor=actor, action="firm.created", obj=firm, organization=area_organization,
                  changes={"credit_code": code, "kind": kind})
    return firm


def firm_update(*, actor, firm: Firm, **changes) -> Firm:
    """Change a firm's register entry; the unit's name, kind, credit code and address included."""
    require_scope(actor, "change", firm.area_organization)
    if "area_organization" in changes:
        require_scope(actor, "change", changes["area_organization"])
    unit_fields = {k: changes.pop(k) for k in ("name", "kind", "credit_code", "address") if k in changes}
    unknown = set(changes) - set(FIRM_FIELDS) - {"status", "closed_on"}
    if unknown:
        raise ValueError(f"Not a firm field: {sorted(unknown)}")
    if "credit_code" in unit_fields:
        unit_fields["credit_code"] = check_credit_code(unit_fields["credit_code"], exclude_unit=firm.unit_id)
    _check_fields({**unit_fields, **changes, "building": changes.get("building", firm.building)}
                  if "floor" in changes else {**unit_fields, **changes})
    status = changes.get("status", firm.status)
    if status not in FirmStatus.values:
        raise ValidationError({"status": _("Choose an operating status from the list.")})
    if status in COUNTED_STATUSES:
        changes["closed_on"] = None
    elif not (changes.get("closed_on") or firm.closed_on):
        raise ValidationError({"closed_on": _("Give the date the firm closed or moved out.")})
    before = {k: getattr(firm.unit, k) for k in unit_fields} | {k: getattr(firm, k) for k in changes}
    with transaction.atomic():
        for key, value in unit_fields.items():
            setattr(firm.unit, key, value)
        if unit_fields:
            firm.unit.save()
        for key, value in changes.items():
            setattr(firm, key, value)
        firm.save()
        changed = {k: [str(before[k]), str(v)] for k, v in {**unit_fields, **changes}.items() if before[k] != v}
        if changed:
            audit_log(actor=actor, action="firm.updated", obj=firm, organization=firm.area_organization,
                      changes=changed)
    return firm


def _joint_parent(parent: Organization) -> None:
    if parent.org_type in (OrgType.PARTY_GROUP, *[t for t in OrgType if t.endswith("branch")]):
        raise ValidationError({"parent": _("A joint branch is set up under a Party committee or working committee.")})


def joint_branch_form(*, actor, parent: Organization, name: str, code: str, firms: list[Firm],
                      on: datetime.date | None = None, **attrs) -> Organization:
    """Set up a joint branch (联合党支部) under ``parent`` covering ``firms`` (by floor, by trade…).

    The firms must be in the actor's scope, still operating, without their own organization or
    another joint one; at most ``structure.joint_branch_max_units`` of them (5 nationally).
    """
    from .selectors import with_coverage

    on = _today(on)
    require_scope(actor, "add", parent)
    _joint_parent(parent)
    firms = list({f.pk: f for f in firms}.values())
    if len(firms) < 2:
        raise ValidationError({"firms": _("A joint branch covers at least two firms.")})
    limit = rule_value("structure.joint_branch_max_units", organization=parent, on=on)
    if len(firms) > limit:
        raise ValidationError({"firms": _("A joint branch covers at most %(limit)d units.") % {"limit": limit}})
    visible = set(Firm.objects.restrict(actor, "view").filter(pk__in=[f.pk for f in firms]).values_list("pk", flat=True))
    states = {f.pk: f for f in with_coverage(Firm.objects.filter(pk__in=visible).select_related("unit"), on)}
    problems = []
    for firm in firms:
        state = states.get(firm.pk)
        if state is None:
            raise PermissionDenied
        if state.status not in COUNTED_STATUSES:
            problems.append(_("%(firm)s is no longer operating.") % {"firm": state.name})
        elif state.has_own or state.has_joint:
            problems.append(_("%(firm)s already has a Party organization.") % {"firm": state.name})
    if problems:
        raise ValidationError({"firms": problems})
    kinds = {f.unit.kind for f in states.values()}
    unit_kind = kinds.pop() if len(kinds) == 1 else UnitKind.PRIVATE_ENTERPRISE
    with transaction.atomic():
        organization = organization_create(actor=actor, parent=parent, name=name, code=code,
                                           org_type=OrgType.JOINT_BRANCH, unit_kind=unit_kind, on=on, **attrs)
        JointUnit.objects.bulk_create(JointUnit(organization=organization, unit_id=f.unit_id, joined_on=on)
                                      for f in states.values())
        audit_log(actor=actor, action="firm.joint_formed", obj=organization, organization=organization,
                  changes={"firms": sorted(f.name for f in states.values())})
    return organization


def joint_unit_join(*, actor, organization: Organization, firm: Firm, on: datetime.date | None = None) -> JointUnit:
    """Bring one more firm into an existing joint organization."""
    from .selectors import with_coverage

    on = _today(on)
    require_scope(actor, "change", organization)
    if organization.org_type != OrgType.JOINT_BRANCH or organization.status != OrgStatus.ACTIVE:
        raise ValidationError(_("Only an active joint branch takes in firms."))
    state = with_coverage(Firm.objects.restrict(actor, "view").filter(pk=firm.pk), on).first()
    if state is None:
        raise PermissionDenied
    if state.has_own or state.has_joint:
        raise ValidationError({"firm": _("%(firm)s already has a Party organization.") % {"firm": firm.name}})
    limit = rule_value("structure.joint_branch_max_units", organization=organization, on=on)
    if organization.joint_units.filter(left_on__isnull=True).count() >= limit:
        raise ValidationError(_("A joint branch covers at most %(limit)d units.") % {"limit": limit})
    with transaction.atomic():
        link = JointUnit.objects.create(organization=organization, unit_id=firm.unit_id, joined_on=on)
        audit_log(actor=actor, action="firm.joint_joined", obj=firm, organization=organization,
                  changes={"organization": organization.name})
    return link


def joint_unit_leave(*, actor, link: JointUnit, on: datetime.date | None = None, note: str = "") -> JointUnit:
    """A firm leaves a joint organization (it formed its own, moved or closed)."""
    on = _today(on)
    require_scope(actor, "change", link.organization)
    if link.left_on:
        raise ValidationError(_("This firm has already left the joint branch."))
    if on < link.joined_on:
        raise ValidationError({"on": _("A firm cannot leave before it joined.")})
    with transaction.atomic():
        link.left_on = on
        link.save(update_fields=["left_on"])
        audit_log(actor=actor, action="firm.joint_left", obj=link.unit.firm, organization=link.organization,
                  changes={"organization": link.organization.name}, note=note)
    return link


def firm_branch_form(*, actor, firm: Firm, parent: Organization, name: str, code: str,
                     org_type: str = OrgType.BRANCH, on: datetime.date | None = None, **attrs) -> Organization:
    """Set up the firm's own organization (单独组建) under ``parent``; the firm leaves any joint one
    on the same day. The organization names the firm's unit, which is what makes coverage ``own``."""
    on = _today(on)
    require_scope(actor, "add", parent)
    if Organization.objects.filter(unit=firm.unit_id, status=OrgStatus.ACTIVE).exclude(
            org_type__in=(OrgType.JOINT_BRANCH, OrgType.PARTY_GROUP)).exists():
        raise ValidationError(_("%(firm)s already has its own Party organization.") % {"firm": firm.name})
    if org_type in (OrgType.JOINT_BRANCH, OrgType.PARTY_GROUP):
        raise ValidationError({"org_type": _("Choose a branch, general branch or committee.")})
    with transaction.atomic():
        organization = organization_create(actor=actor, parent=parent, name=name, code=code, org_type=org_type,
                                           unit_kind=firm.unit.kind, unit=firm.unit, on=on, **attrs)
        for link in JointUnit.objects.filter(unit=firm.unit_id, left_on__isnull=True).select_related("organization"):
            link.left_on = on
            link.save(update_fields=["left_on"])
        audit_log(actor=actor, action="firm.branch_formed", obj=firm, organization=organization,
                  changes={"organization": organization.name})
    return organization

