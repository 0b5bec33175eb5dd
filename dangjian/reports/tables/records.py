"""Records tables (collection tables of the national member-management system): one row per
organization or member of the subtree on the day, with columns from a fixed whitelist of fields.

ID numbers, phones and home addresses (:data:`PROTECTED`) are masked unless the file is asked for
in full; the encrypted columns are not even read for a masked file.
"""
from __future__ import annotations

from django.db.models import Count
from django.utils import translation

from dangjian.core.rules import rule_value
from dangjian.core.spreadsheets import FILE_LANGUAGE
from dangjian.members.choices import Category, Education, Ethnicity, Gender, MemberStatus
from dangjian.members.models import Membership
from dangjian.organizations.choices import OrgStatus, OrgType, UnitKind
from dangjian.organizations.models import LeadershipPost

from ..figures.base import Scope, valid_on
from ..figures.members import on_roll, with_standing

FIELDS = {
    "organizations": ("name", "short_name", "code", "type", "unit_kind", "unit_name", "credit_code", "parent",
                      "established_on", "secretary", "member_count", "address", "contact_person", "contact_phone"),
    "members": ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "joined_on",
                "full_member_on", "category", "standing", "organization", "work_unit", "job", "phone", "address"),
}
# Personal data: masked unless the file is full.
PROTECTED = {"members": ("id_number", "phone", "address"), "organizations": ()}


def _labels(choices) -> dict:
    with translation.override(FILE_LANGUAGE):
        return {value: str(label) for value, label in choices.choices}


def organization_rows(scope: Scope, fields: list[str]) -> list[list]:
    """The active organizations of the subtree on the day (Party groups apart), in tree order."""
    versions = list(
        scope.versions().filter(status=OrgStatus.ACTIVE).exclude(org_type=OrgType.PARTY_GROUP)
        .select_related("organization", "organization__unit", "parent").order_by("organization__path")
    )
    ids = [v.organization_id for v in versions]
    secretaries, counts = {}, {}
    if "secretary" in fields:
        post = rule_value("stats.secretary_post", organization=scope.root, on=scope.on)
        for org_id, name in (LeadershipPost.objects.current(scope.on).filter(organization_id__in=ids, kind__code=post)
                             .order_by("term_start").values_list("organization_id", "member__name")):
            secretaries.setdefault(org_id, name)
    if "member_count" in fields:
        counts = dict(Membership.objects.filter(valid_on(scope.on, "started_on", "ended_on"), organization_id__in=ids)
                      .values_list("organization_id").annotate(n=Count("id")).order_by())
    types, kinds = _labels(OrgType), _labels(UnitKind)
    rows = []
    for v in versions:
        o = v.organization
        values = {
            "name": v.name, "short_name": o.short_name, "code": o.code, "type": types.get(v.org_type, v.org_type),
            "unit_kind": kinds.get(o.unit_kind, o.unit_kind), "unit_name": o.unit.name if o.unit_id else "",
            "credit_code": o.unit.credit_code if o.unit_id else "", "parent": v.parent.name if v.parent_id else "",
            "established_on": o.established_on, "secretary": secretaries.get(o.pk, ""),
            "member_count": counts.get(o.pk, 0), "address": o.address, "contact_person": o.contact_person,
            "contact_phone": o.contact_phone,
        }
        rows.append([values[f] for f in fields])
    return rows


_MEMBER_VALUES = {
    "name": "member__name", "gender": "member__gender", "ethnicity": "member__ethnicity",
    "birth_date": "member__birth_date", "education": "member__education", "joined_on": "member__joined_on",
    "full_member_on": "member__full_member_on", "category": "member__category", "standing": "status_on",
    "organization": "organization__name", "work_unit": "member__work_unit", "job": "member__job",
}


def member_rows(scope: Scope, fields: list[str], *, full: bool = False, limit: int | None = None) -> list[list]:
    """The members on the roll of the subtree on the day, by organization then pinyin."""
    protected = {f: (f"member__{f}" if full else f"member__{f}_masked") for f in PROTECTED["members"]}
    names = [_MEMBER_VALUES.get(f) or protected[f] for f in fields]
    periods = with_standing(scope, on_roll(scope)).order_by("organization__path", "member__name_pinyin", "member_id")
    if limit is not None:
        periods = periods[:limit]
    labels = {"gender": _labels(Gender), "ethnicity": _labels(Ethnicity), "education": _labels(Education),
              "category": _labels(Category), "standing": _labels(MemberStatus)}
    rows = []
    for values in periods.values_list(*names):
        rows.append([labels[f].get(v, v) if f in labels else v for f, v in zip(fields, values, strict=True)])
    return rows


def record_rows(spec: dict, scope: Scope, *, full: bool = False, limit: int | None = None) -> list[list]:
    fields = [c["field"] for c in spec["columns"]]
    if spec["source"] == "organizations":
        rows = organization_rows(scope, fields)
        return rows[:limit] if limit is not None else rows
    return member_rows(scope, fields, full=full, limit=limit)


def record_count(spec: dict, scope: Scope) -> int:
    if spec["source"] == "organizations":
        return scope.versions().filter(status=OrgStatus.ACTIVE).exclude(org_type=OrgType.PARTY_GROUP).count()
    return on_roll(scope).count()


def has_protected(spec: dict) -> bool:
    return any(c["field"] in PROTECTED[spec["source"]] for c in spec["columns"])
