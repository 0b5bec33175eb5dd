"""Writes of service teams (组团式服务团队), their members and the request categories.

A team sits under a community's organization (community level) or a sub-district's (sub-district
level); at most one active team of an organization and level is its default owner. A member
with a user account sees and handles the team's requests (the account's cached team list is
cleared whenever that changes).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.validators import clean_plain_text
from dangjian.organizations.choices import OrgType, UnitKind

from .choices import TeamLevel, TeamUnitKind, Urgency
from .models import RequestCategory, ServiceTeam, TeamMember

# A community's organization is its Party committee or general branch (its branches are not).
COMMUNITY_TYPES = (OrgType.COMMITTEE, OrgType.GENERAL_BRANCH)
ATTRIBUTE_DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def team_organization_fits(organization, level: str) -> bool:
    """Whether a team of ``level`` may sit under ``organization``: a community's organization (its
    Party committee or general branch, or one holding grids) for community teams; a sub-district's
    (a working committee, or a Party committee that is not a community's) for sub-district teams."""
    if level == TeamLevel.COMMUNITY:
        return (organization.unit_kind == UnitKind.COMMUNITY and organization.org_type in COMMUNITY_TYPES) \
            or organization.grids.exists()
    return organization.org_type in (OrgType.WORKING_COMMITTEE, OrgType.COMMITTEE) and \
        organization.unit_kind != UnitKind.COMMUNITY


def _check_team(*, organization, level, is_default, active, exclude=None):
    if level not in TeamLevel.values:
        raise ValidationError({"level": _("Choose the community or the sub-district level.")})
    if organization is None or not team_organization_fits(organization, level):
        raise ValidationError({"organization": _(
            "A community team belongs to a community's organization, a sub-district team to a sub-district's.")})
    if is_default and active:
        others = ServiceTeam.objects.filter(organization=organization, level=level, is_default=True, active=True)
        if exclude is not None:
            others = others.exclude(pk=exclude.pk)
        other = others.first()
        if other is not None:
            raise ValidationError({"is_default": _(
                "%(team)s is already the default team of this organization at this level.") % {"team": other.name}})


def team_create(*, actor, organization, name: str, level: str, description: str = "", categories=(),
                is_default: bool = False) -> ServiceTeam:
    """Set up a service team responsible for some request categories."""
    name = clean_plain_text(name, "name", 100, required=True)
    description = clean_plain_text(description, "description", 2000)
    with transaction.atomic():
        _check_team(organization=organization, level=level, is_default=is_default, active=True)
        team = ServiceTeam.objects.create(organization=organization, name=name, level=level, description=description,
                                          is_default=is_default)
        team.categories.set(categories)
        audit_log(actor=actor, action="team.created", obj=team, organization=organization,
                  changes={"name": name, "level": level, "is_default": is_default,
                           "categories": sorted(c.code for c in categories)})
    return team


def team_update(*, actor, team: ServiceTeam, **data) -> ServiceTeam:
    """Change a team's name, level, description, categories, default flag or whether it is active.
    Deactivating a team takes its requests out of its members' sight."""
    fields = ("organization", "name", "level", "description", "is_default", "active")
    before = {f: getattr(team, f) for f in fields}
    categories = data.pop("categories", None)
    values = {**before, **{k: v for k, v in data.items() if k in fields}}
    values["name"] = clean_plain_text(values["name"], "name", 100, required=True)
    values["description"] = clean_plain_text(values["description"], "description", 2000)
    with transaction.atomic():
        _check_team(organization=values["organization"], level=values["level"], is_default=values["is_default"],
                    active=values["active"], exclude=team)
        changes = {f: [str(before[f]), str(values[f])] for f in fields if before[f] != values[f]}
        for f in fields:
            setattr(team, f, values[f])
        team.save()
        if categories is not None:
            old = set(team.categories.values_list("code", flat=True))
            new = {c.code for c in categories}
            if old != new:
                team.categories.set(categories)
                changes["categories"] = [sorted(old), sorted(new)]
        audit_log(actor=actor, action="team.updated", obj=team, organization=team.organization, changes=changes)
    _forget_teams(*team.members.exclude(user=None).values_list("user_id", flat=True))
    return team


def _forget_teams(*users):
    """Drop the cached team lists (``grid.models.scope.team_ids_of``) of these users."""
    for user in users:
        if hasattr(user, "__dict__"):
            user.__dict__.pop("_team_ids", None)


def _check_member(*, team, name, unit_kind, unit_name, duty, user, exclude=None):
    name = clean_plain_text(name, "name", 50, required=True)
    if unit_kind not in TeamUnitKind.values:
        raise ValidationError({"unit_kind": _("Choose where the member comes from.")})
    unit_name = clean_plain_text(unit_name, "unit_name", 100)
    duty = clean_plain_text(duty, "duty", 100)
    if user is not None:
        if not user.is_active:
            raise ValidationError({"user": _("This user account is disabled.")})
        taken = TeamMember.objects.filter(team=team, user=user, active=True)
        if exclude is not None:
            taken = taken.exclude(pk=exclude.pk)
        if taken.exists():
            raise ValidationError({"user": _("This user account is already a member of the team.")})
    return name, unit_name, duty


def team_member_add(*, actor, team: ServiceTeam, name: str, unit_kind: str, unit_name: str = "", duty: str = "",
                    is_leader: bool = False, user=None) -> TeamMember:
    """Add a member to a team; with a user account they see and handle the team's requests."""
    name, unit_name, duty = _check_member(team=team, name=name, unit_kind=unit_kind, unit_name=unit_name, duty=duty,
                                          user=user)
    with transaction.atomic():
        member = TeamMember.objects.create(team=team, name=name, unit_kind=unit_kind, unit_name=unit_name, duty=duty,
                                           is_leader=is_leader, user=user)
        audit_log(actor=actor, action="team_member.added", obj=member, organization=team.organization,
                  changes={"team": team.name, "name": name, "unit_kind": unit_kind, "unit_name": unit_name,
                           "is_leader": is_leader, "user": user.get_username() if user else None})
    _forget_teams(user)
    return member


def team_member_update(*, actor, member: TeamMember, **data) -> TeamMember:
    """Change a member's details, account or leader flag, or deactivate them (``active=False``):
    a deactivated member's account no longer reaches the team's requests."""
    fields = ("name", "unit_kind", "unit_name", "duty", "is_leader", "user", "active")
    before = {f: getattr(member, f) for f in fields}
    values = {**before, **{k: v for k, v in data.items() if k in fields}}
    values["name"], values["unit_name"], values["duty"] = _check_member(
        team=member.team, name=values["name"], unit_kind=values["unit_kind"], unit_name=values["unit_name"],
        duty=values["duty"], user=values["user"] if values["active"] else None, exclude=member)
    changes = {f: [str(before[f] or ""), str(values[f] or "")] for f in fields if before[f] != values[f]}
    with transaction.atomic():
        for f in fields:
            setattr(member, f, values[f])
        member.save()
        audit_log(actor=actor, action="team_member.updated", obj=member, organization=member.team.organization,
                  changes=changes)
    _forget_teams(before["user"], values["user"])
    return member


# ----- categories -----------------------------------------------------------------------------

def validate_attributes(value) -> list[dict]:
    """Open311 attribute definitions: a list of dicts with ``code``, ``datatype``, ``required``,
    ``description``, ``order`` and, for list types, ``values`` of ``{key, name}``."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError({"attributes": _("The questions must be a JSON list.")})
    seen, cleaned = set(), []
    for index, item in enumerate(value, start=1):
        where = {"n": index}
        if not isinstance(item, dict):
            raise ValidationError({"attributes": _("Question %(n)s is not a JSON object.") % where})
        code = str(item.get("code") or "").strip()
        if not code or not code.replace("_", "").replace("-", "").isalnum() or len(code) > 40:
            raise ValidationError({"attributes": _("Question %(n)s needs a code of letters, digits and _.") % where})
        if code in seen:
            raise ValidationError({"attributes": _("Question %(n)s repeats the code %(code)s.")
                                   % {"n": index, "code": code}})
        seen.add(code)
        datatype = item.get("datatype")
        if datatype not in ATTRIBUTE_DATATYPES:
            raise ValidationError({"attributes": _("Question %(n)s has an unknown datatype; use one of %(types)s.")
                                   % {"n": index, "types": ", ".join(ATTRIBUTE_DATATYPES)}})
        description = str(item.get("description") or "").strip()
        if not description:
            raise ValidationError({"attributes": _("Question %(n)s needs a description (the question asked).")
                                   % where})
        order = item.get("order", index)
        if not isinstance(order, int) or isinstance(order, bool):
            raise ValidationError({"attributes": _("Question %(n)s: order must be a whole number.") % where})
        values = item.get("values", [])
        if datatype.endswith("valuelist"):
            if not isinstance(values, list) or not values or not all(
                    isinstance(v, dict) and str(v.get("key") or "").strip() and str(v.get("name") or "").strip()
                    for v in values):
                raise ValidationError({"attributes": _(
                    "Question %(n)s is a list: give its values as [{\"key\": …, \"name\": …}].") % where})
            values = [{"key": str(v["key"]).strip(), "name": str(v["name"]).strip()} for v in values]
        else:
            values = []
        cleaned.append({
            "code": code, "variable": bool(item.get("variable", True)), "datatype": datatype,
            "required": bool(item.get("required", False)),
            "datatype_description": str(item.get("datatype_description") or ""), "order": order,
            "description": description, **({"values": values} if values else {}),
        })
    return cleaned


CATEGORY_FIELDS = ("name", "description", "group", "keywords", "default_urgency", "attributes", "public_description",
                   "active", "order")


def _category_values(values: dict) -> dict:
    values["name"] = clean_plain_text(values.get("name"), "name", 100, required=True)
    values["description"] = clean_plain_text(values.get("description"), "description", 300)
    values["group"] = clean_plain_text(values.get("group"), "group", 50)
    values["keywords"] = clean_plain_text(values.get("keywords"), "keywords", 200).replace("，", ",")
    if values.get("default_urgency") not in Urgency.values:
        raise ValidationError({"default_urgency": _("Unknown urgency.")})
    values["attributes"] = validate_attributes(values.get("attributes"))
    values["order"] = int(values.get("order") or 0)
    values["active"] = bool(values.get("active", True))
    values["public_description"] = bool(values.get("public_description", True))
    return values


def request_category_create(*, actor, code: str, **data) -> RequestCategory:
    """Add a request category (an Open311 service; ``code`` is its service code and never changes)."""
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("This field is required.")})
    if RequestCategory.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A category with this code exists already.")})
    values = _category_values({"active": True, "order": 0, "default_urgency": Urgency.GENERAL, **data})
    with transaction.atomic():
        category = RequestCategory.objects.create(code=code, **{f: values[f] for f in CATEGORY_FIELDS})
        audit_log(actor=actor, action="request_category.created", obj=category, organization=None,
                  changes={"code": code, "name": category.name})
    return category


def request_category_update(*, actor, category: RequestCategory, **data) -> RequestCategory:
    """Change a category's name, description, group, keywords, default urgency, questions, order
    or whether new requests may be filed in it."""
    before = {f: getattr(category, f) for f in CATEGORY_FIELDS}
    values = _category_values({**before, **{k: v for k, v in data.items() if k in CATEGORY_FIELDS}})
    changes = {f: [before[f], values[f]] for f in CATEGORY_FIELDS if before[f] != values[f]}
    with transaction.atomic():
        for f in CATEGORY_FIELDS:
            setattr(category, f, values[f])
        category.save()
        audit_log(actor=actor, action="request_category.updated", obj=category, organization=None, changes=changes)
    return category
