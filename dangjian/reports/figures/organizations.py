"""Figures of the organizations themselves: how many, of which type and unit kind, and who leads them.

Type and status are read from the dated versions valid on the day; the unit kind (所在单位类别)
has no dated history and is read as it stands now.
"""
from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from dangjian.core.dates import age_on
from dangjian.core.numbers import percent
from dangjian.members.choices import Education, Gender
from dangjian.organizations.choices import OrgStatus, OrgType, UnitKind
from dangjian.organizations.models import LeadershipPost

from .base import Figure, Scope, Section, as_text, valid_on


def organizations(scope: Scope) -> dict:
    """Organizations active on the day in the subtree (the root included; Party groups apart)."""
    rows = (
        scope.versions().filter(status=OrgStatus.ACTIVE)
        .values_list("org_type", "organization__unit_kind").annotate(n=Count("id"))
    )
    by_type, by_unit_kind, groups = Counter(), Counter(), 0
    for org_type, unit_kind, n in rows:
        if org_type == OrgType.PARTY_GROUP:
            groups += n
            continue
        by_type[org_type] += n
        by_unit_kind[unit_kind] += n
    return {
        "total": sum(by_type.values()),
        "by_type": {code: by_type[code] for code in OrgType.values if code != OrgType.PARTY_GROUP},
        "by_unit_kind": {code: by_unit_kind[code] for code in UnitKind.values},
        "party_groups": groups,
    }


def secretaries(scope: Scope) -> dict:
    """Secretaries in post on the day in the subtree's organizations: age, gender, education."""
    post = scope.rule("stats.secretary_post")
    college = set(scope.rule("stats.college_or_above"))
    rows = list(
        LeadershipPost.objects.current(scope.on).filter(scope.org_q(), kind__code=post)
        .filter(valid_on(scope.on, "organization__versions__valid_from", "organization__versions__valid_to"),
                organization__versions__status=OrgStatus.ACTIVE)
        .values_list("member_id", "member__birth_date", "member__gender", "member__education").distinct()
    )
    ages = [age_on(birth, scope.on) for _m, birth, _g, _e in rows]
    by_education = Counter(education for *_rest, education in rows)
    return {
        "total": len(rows),
        "average_age": f"{sum(ages) / len(ages):.1f}" if ages else None,
        "women": sum(1 for _m, _b, gender, _e in rows if gender == Gender.FEMALE),
        "by_education": {code: by_education[code] for code in Education.values},
        "college_or_above": sum(by_education[code] for code in college),
        "college_or_above_rate": as_text(percent(sum(by_education[code] for code in college), len(rows))),
    }




def compute(scope: Scope) -> dict:
    return {**organizations(scope), "secretaries": secretaries(scope)}


def _records(name):
    def link(scope: Scope, key: str = "") -> str:
        from .links import organization_records

        return organization_records(scope, name, key)
    return link


SECTION = Section(
    code="organizations",
    label=_("Organizations"),
    compute=compute,
    figures=[
        Figure("total", _("Party organizations"),
               _("Organizations active on the day in the subtree, the organization itself included, Party groups "
                 "not counted."),
               _("The dated versions of the organizations (type, parent, status)."), records=_records("total")),
        Figure("by_type", _("By organization type"),
               _("The same organizations counted by their type on the day."),
               _("The dated versions of the organizations."), keys=lambda: dict(OrgType.choices),
               records=_records("by_type")),
        Figure("by_unit_kind", _("By unit kind"),
               _("The same organizations counted by the kind of unit they sit in (所在单位类别), as recorded now."),
               _("The organizations' unit kind."), keys=lambda: dict(UnitKind.choices),
               records=_records("by_unit_kind")),
        Figure("party_groups", _("Party groups"), _("Party groups active on the day in the subtree."),
               _("The dated versions of the organizations."), records=_records("party_groups")),
        Figure("secretaries.total", _("Secretaries in post"),
               _("Members holding the secretary's post on the day in the subtree's active organizations "
                 "(one person holding two posts counts once)."), _("Leadership posts and their terms.")),
        Figure("secretaries.average_age", _("Secretaries' average age"),
               _("Average of the secretaries' ages on the day, in whole years."), _("Members' birth dates."),
               unit="years"),
        Figure("secretaries.women", _("Women secretaries"), _("Secretaries who are women."),
               _("Members' gender.")),
        Figure("secretaries.college_or_above_rate", _("Secretaries with college education or above"),
               _("Share of secretaries whose education is junior college or above (the groups are in the rule "
                 "pack), as recorded now."), _("Members' education."), unit="percent"),
    ],
)


def records(scope: Scope, figure: str, key: str = ""):
    """The dated versions (with their organizations) a figure counts: the records behind it."""
    versions = scope.versions().filter(status=OrgStatus.ACTIVE).select_related("organization")
    if figure == "party_groups":
        return versions.filter(org_type=OrgType.PARTY_GROUP)
    versions = versions.exclude(org_type=OrgType.PARTY_GROUP)
    if figure == "by_type" and key:
        return versions.filter(org_type=key)
    if figure == "by_unit_kind" and key:
        return versions.filter(organization__unit_kind=key)
    if figure in ("total", "by_type", "by_unit_kind"):
        return versions
    raise KeyError(figure)
