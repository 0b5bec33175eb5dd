"""Writes to the organization tree: every structural change goes through here.

Each service validates, runs in one transaction, writes one audit entry and keeps the dated
versions (:class:`OrganizationVersion`) so that the tree of any past day can be rebuilt.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log, diff
from dangjian.core.dates import add_years
from dangjian.core.rules import rule_value

from .choices import OrgStatus, OrgType
from .models import LeadershipPost, Organization, OrganizationVersion, PostKind

# What may sit under what: Party groups only under branches; nothing under a Party group.
_CHILDLESS = {OrgType.PARTY_GROUP}
_GROUP_PARENTS = {OrgType.BRANCH, OrgType.JOINT_BRANCH, OrgType.TEMPORARY_BRANCH, OrgType.GENERAL_BRANCH}

EDITABLE_FIELDS = (
    "name", "short_name", "code", "org_type", "unit", "unit_kind", "established_on",
    "address", "contact_person", "contact_phone",
)


def _today(on):
    return on or timezone.localdate()


def _check_placement(*, org_type: str, parent: Organization | None):
    if parent is None:
        return
    if not parent.is_active:
        raise ValidationError(_("An organization cannot be placed under a dissolved or merged organization."))
    if parent.org_type in _CHILDLESS:
        raise ValidationError(_("A Party group cannot have organizations under it."))
    if org_type == OrgType.PARTY_GROUP and parent.org_type not in _GROUP_PARENTS:
        raise ValidationError(_("A Party group must sit under a branch or general branch."))


def _check_code(code: str, exclude_pk=None):
    qs = Organization.objects.filter(code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"code": _("Another organization already uses the code %(code)s.") % {"code": code}})


def _new_version(org: Organization, on: datetime.date):
    """Close the open version of ``org`` on ``on`` and open one with its current state."""
    parent = Organization.objects.get_parent(org, update=True)
    open_version = org.versions.filter(valid_to__isnull=True).first()
    if open_version and open_version.valid_from == on:
        # Several changes on one day collapse into that day's version.
        open_version.parent, open_version.name = parent, org.name
        open_version.org_type, open_version.status = org.org_type, org.status
        open_version.save()
        return
    if open_version:
        open_version.valid_to = on
        open_version.save(update_fields=["valid_to"])
    OrganizationVersion.objects.create(
        organization=org, valid_from=on, parent=parent, name=org.name, org_type=org.org_type, status=org.status
    )


def organization_create(*, actor, parent: Organization | None, name: str, code: str, org_type: str,
                        unit_kind: str, on: datetime.date | None = None, **attrs) -> Organization:
    """Set up a new organization (成立党组织) under ``parent`` (or as a root)."""
    on = _today(on)
    _check_placement(org_type=org_type, parent=parent)
    _check_code(code)
    fields = {"name": name, "code": code, "org_type": org_type, "unit_kind": unit_kind, **attrs}
    fields.setdefault("established_on", on)
    with transaction.atomic():
        org = (Organization.objects.add_child(parent, fields) if parent
               else Organization.objects.add_root(fields))
        _new_version(org, on)
        audit_log(actor=actor, action="organization.created", obj=org, organization=org,
                  changes={"parent": str(parent) if parent else "", "org_type": org_type})
    return org


def organization_update(*, actor, organization: Organization, on: datetime.date | None = None,
                        **changes) -> Organization:
    """Change an organization's attributes; a new name or type starts a new dated version."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    on = _today(on)
    if "code" in changes:
        _check_code(changes["code"], exclude_pk=organization.pk)
    if "org_type" in changes and changes["org_type"] != organization.org_type:
        _check_placement(org_type=changes["org_type"], parent=Organization.objects.get_parent(organization))
        if changes["org_type"] == OrgType.PARTY_GROUP and Organization.objects.get_children_count(organization):
            raise ValidationError(_("An organization with organizations under it cannot become a Party group."))
    before = {k: getattr(organization, k) for k in changes}
    changed = diff(before, changes)
    if not changed:
        return organization
    with transaction.atomic():
        for key, value in changes.items():
            setattr(organization, key, value)
        organization.save()
        if {"name", "org_type"} & set(changed):
            _new_version(organization, on)
        action = "organization.renamed" if set(changed) == {"name"} else "organization.updated"
        audit_log(actor=actor, action=action, obj=organization, organization=organization, changes=changed)
    return organization


def organization_move(*, actor, organization: Organization, new_parent: Organization,
                      on: datetime.date | None = None) -> Organization:
    """Place an organization (with its subtree) under another parent (隶属关系调整)."""
    on = _today(on)
    if new_parent.path.startswith(organization.path):
        raise ValidationError(_("An organization cannot be moved under itself or its own subordinates."))
    _check_placement(org_type=organization.org_type, parent=new_parent)
    old_parent = Organization.objects.get_parent(organization)
    if old_parent and old_parent.pk == new_parent.pk:
        return organization
    with transaction.atomic():
        Organization.objects.move(organization, new_parent, pos="sorted-child")
        organization.refresh_from_db()
        _new_version(organization, on)
        audit_log(actor=actor, action="organization.moved", obj=organization, organization=organization,
                  changes={"parent": [str(old_parent or ""), str(new_parent)]})
    return organization


def _end(org: Organization, status: str, on: datetime.date):
    org.status = status
    org.save(update_fields=["status"])
    _new_version(org, on)


def organization_merge(*, actor, sources: list[Organization], target: Organization,
                       on: datetime.date | None = None) -> Organization:
    """Merge organizations into ``target`` (合并): their members and sub-organizations move to it."""
    from dangjian.members.services import member_move

    on = _today(on)
    if not target.is_active:
        raise ValidationError(_("Organizations can only be merged into an active organization."))
    for source in sources:
        if source.pk == target.pk or target.path.startswith(source.path):
            raise ValidationError(_("An organization cannot be merged into itself or its own subordinates."))
        if not source.is_active:
            raise ValidationError(_("%(name)s is no longer active.") % {"name": source.name})
    with transaction.atomic():
        for source in sources:
            for member in source.members.on_roll():
                member_move(actor=actor, member=member, organization=target, on=on)
            for child in Organization.objects.get_children(source).filter(status=OrgStatus.ACTIVE):
                organization_move(actor=actor, organization=child, new_parent=target, on=on)
            source.refresh_from_db()
            _end(source, OrgStatus.MERGED, on)
            audit_log(actor=actor, action="organization.merged", obj=source, organization=source,
                      changes={"into": str(target)})
        audit_log(actor=actor, action="organization.merged_into", obj=target, organization=target,
                  changes={"sources": [s.name for s in sources]})
    return target


def organization_split(*, actor, organization: Organization, parts: list[dict],
                       on: datetime.date | None = None) -> list[Organization]:
    """Split an organization (拆分): new sibling organizations take over the listed members.

    Each part is ``{"name", "code", "member_ids"}`` and may give ``org_type``. Members not
    listed stay where they are.
    """
    on = _today(on)
    parent = Organization.objects.get_parent(organization)
    if parent is None:
        raise ValidationError(_("The root organization cannot be split."))
    seen: set[int] = set()
    for part in parts:
        overlap = seen & set(part.get("member_ids", []))
        if overlap:
            raise ValidationError(_("A member can go to only one of the new organizations."))
        seen |= set(part.get("member_ids", []))
    from dangjian.members.services import member_move

    created = []
    with transaction.atomic():
        for part in parts:
            new = organization_create(
                actor=actor, parent=parent, name=part["name"], code=part["code"],
                org_type=part.get("org_type", organization.org_type), unit_kind=organization.unit_kind,
                unit=organization.unit, on=on,
            )
            moving = organization.members.on_roll().filter(pk__in=part.get("member_ids", []))
            if moving.count() != len(set(part.get("member_ids", []))):
                raise ValidationError(_("Some listed members do not belong to %(name)s.") % {"name": organization.name})
            for member in moving:
                member_move(actor=actor, member=member, organization=new, on=on)
            created.append(new)
        audit_log(actor=actor, action="organization.split", obj=organization, organization=organization,
                  changes={"into": [o.name for o in created]})
    return created


def organization_dissolve(*, actor, organization: Organization, on: datetime.date | None = None) -> Organization:
    """Dissolve an organization (撤销) once it holds no members and no active sub-organizations."""
    on = _today(on)
    if organization.members.on_roll().exists():
        raise ValidationError(_("Move its members to another organization before dissolving it."))
    if Organization.objects.get_children(organization).filter(status=OrgStatus.ACTIVE).exists():
        raise ValidationError(_("Dissolve or move its sub-organizations first."))
    with transaction.atomic():
        _end(organization, OrgStatus.DISSOLVED, on)
        audit_log(actor=actor, action="organization.dissolved", obj=organization, organization=organization)
    return organization


def term_years(organization: Organization, on: datetime.date | None = None) -> int:
    """Length of a leadership term (任期) for this organization, from the rule pack."""
    by_kind = rule_value("terms.years_by_unit_kind", organization=organization, on=on, default={})
    if organization.org_type in rule_value("structure.branch_types", organization=organization, on=on,
                                           default=[]) and organization.unit_kind in by_kind:
        return int(by_kind[organization.unit_kind])
    by_type = rule_value("terms.years_by_type", organization=organization, on=on, default={})
    return int(by_type.get(organization.org_type, rule_value("terms.default_years", organization=organization,
                                                             on=on, default=3)))


def post_appoint(*, actor, organization: Organization, kind: PostKind, member, term_start: datetime.date,
                 term_end: datetime.date | None = None, note: str = "") -> LeadershipPost:
    """Fill a leadership post for a term; the term's end defaults to the rule pack's length."""
    if not member.is_on_roll:
        raise ValidationError(_("Only a member on the roll can hold a post."))
    if term_end is None:
        term_end = add_years(term_start, term_years(organization, term_start))
    if term_end <= term_start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    with transaction.atomic():
        post = LeadershipPost.objects.create(
            organization=organization, kind=kind, member=member, term_start=term_start, term_end=term_end, note=note
        )
        audit_log(actor=actor, action="post.appointed", obj=post, organization=organization,
                  changes={"post": kind.name, "member": member.name, "term_end": term_end})
    return post


def post_end(*, actor, post: LeadershipPost, ended_on: datetime.date) -> LeadershipPost:
    """Someone leaves a post (离任), at the end of a term or before it."""
    if ended_on < post.term_start:
        raise ValidationError({"ended_on": _("A post cannot end before its term starts.")})
    with transaction.atomic():
        post.ended_on = ended_on
        post.save(update_fields=["ended_on"])
        audit_log(actor=actor, action="post.ended", obj=post, organization=post.organization,
                  changes={"ended_on": ended_on})
    return post
