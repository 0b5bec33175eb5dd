"""Figures of the ratings of organizations (星级管理, 分类定级, standard checklists) and their follow-up
(整改) for a subtree on a day.

For each scheme (a code, across its versions) the latest cycle holding a rating of an organization
of the subtree approved by the end of the day is read: its approved ratings of the subtree's
organizations are counted by grade (as ``assessment.selectors_cycles.distribution`` counts a whole
cycle), by stars for star ratings, and the vetoes. The schemes are then added up by their kind
(star rating, tiering, checklist), whose grade codes the shipped schemes share (advanced / average /
lagging; model / improved / standard / basic). Rectification tasks are read on the day from their
creation and closing times.
"""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from dangjian.assessment.choices import AssessmentStatus, SchemeKind
from dangjian.assessment.models import Assessment, Criterion, Grade, Rectification

from .base import Figure, Scope, Section
from .links import with_params


def latest_cycles(scope: Scope) -> dict[str, tuple[int, int, str, int]]:
    """Scheme code → (cycle id, year, scheme kind, scheme id) of the latest cycle of the scheme with a rating
    of a subtree organization approved by the end of the day (one query)."""
    end = scope.span()[1]
    rows = (Assessment.objects.filter(scope.org_q(), status=AssessmentStatus.APPROVED, approved_at__lt=end)
            .values_list("cycle__scheme__code", "cycle_id", "cycle__year", "cycle__scheme__kind", "cycle__scheme_id")
            .distinct().order_by())
    latest: dict[str, tuple[int, int, str, int]] = {}
    for code, cycle, year, kind, scheme in rows:
        if code not in latest or (year, cycle) > (latest[code][1], latest[code][0]):
            latest[code] = (cycle, year, kind, scheme)
    return latest


def ratings(scope: Scope) -> dict:
    """Approved ratings of the subtree's organizations in each scheme's latest cycle, by kind of scheme."""
    end = scope.span()[1]
    latest = latest_cycles(scope)
    cycles = [cycle for cycle, _year, _kind, _scheme in latest.values()]
    schemes = [scheme for _cycle, _year, _kind, scheme in latest.values()]
    kind_of_cycle = {cycle: kind for cycle, _year, kind, _scheme in latest.values()}
    code_of_cycle = {cycle: code for code, (cycle, *_rest) in latest.items()}
    grades: dict[str, list[str]] = {kind: [] for kind in SchemeKind.values}
    stars_possible = 0
    if cycles:
        for kind, code in (Grade.objects.filter(scheme__in=schemes).order_by("scheme__kind", "-rank", "code")
                           .values_list("scheme__kind", "code")):
            if code not in grades[kind]:
                grades[kind].append(code)
        stars_possible = max((n for _s, n in Criterion.objects.filter(scheme__in=schemes, is_veto=False,
                                                                      scheme__kind=SchemeKind.STAR)
                              .values_list("scheme").annotate(n=Count("pk")).order_by()), default=0)
    rows = (Assessment.objects.filter(scope.org_q(), cycle__in=cycles, status=AssessmentStatus.APPROVED,
                                      approved_at__lt=end)
            .values_list("cycle_id", "grade", "stars", "vetoed").annotate(n=Count("pk")).order_by()) if cycles else []
    answer = {kind: {"rated": 0, "vetoed": 0, "by_grade": dict.fromkeys(grades[kind], 0)} for kind in SchemeKind.values}
    answer[SchemeKind.STAR]["by_stars"] = {str(n): 0 for n in range(stars_possible + 1)}
    by_scheme = dict.fromkeys(sorted(latest), 0)
    for cycle, grade, stars, vetoed, n in rows:
        part = answer[kind_of_cycle[cycle]]
        part["rated"] += n
        part["vetoed"] += n if vetoed else 0
        part["by_grade"][grade] = part["by_grade"].get(grade, 0) + n
        if "by_stars" in part:
            part["by_stars"][str(stars)] = part["by_stars"].get(str(stars), 0) + n
        by_scheme[code_of_cycle[cycle]] += n
    return {
        "rated": sum(by_scheme.values()),
        "by_scheme": by_scheme,
        "cycles": {code: {"cycle": cycle, "year": year} for code, (cycle, year, _k, _s) in sorted(latest.items())},
        **answer,
    }


def rectification(scope: Scope) -> dict:
    """Rectification tasks of the subtree's organizations open at the end of the day (created, not yet
    closed), those of them past their deadline, and those closed from the first of the year to the day."""
    start, end = scope.span()
    open_q = Q(created_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    return Rectification.objects.filter(scope.org_q()).aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(deadline__lt=scope.on)),
        closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
    )


def compute(scope: Scope) -> dict:
    return {**ratings(scope), "rectification": rectification(scope)}


def _grade_keys(kind: str):
    def keys() -> dict:
        names: dict = {}
        for code, name in (Grade.objects.filter(scheme__kind=kind).order_by("-rank", "scheme__code", "-scheme__version")
                           .values_list("code", "name")):
            names.setdefault(code, name)
        return names
    return keys


def _rectifications(**params):
    def link(scope: Scope, key: str = "") -> str:
        return with_params("assessment:rectifications", org=scope.root.pk, **params)
    return link


SECTION = Section(
    code="assessment",
    label=_("Ratings of organizations"),
    compute=compute,
    figures=[
        Figure("rated", _("Organizations rated"),
               _("Ratings of the subtree's organizations approved by the end of the day in the latest cycle of each "
                 "scheme that holds such a rating (an organization rated under two schemes counts twice)."),
               _("Assessment cycles and their approved ratings.")),
        Figure("by_scheme", _("Rated by scheme"), _("The same ratings by scheme (its code)."),
               _("Assessment cycles and their approved ratings.")),
        Figure("star.rated", _("Villages rated with stars"),
               _("Approved ratings of the star rating schemes (星级管理) in those cycles."), _("Approved ratings.")),
        Figure("star.by_grade", _("Star ratings by grade"),
               _("The same ratings by grade (先进 / 一般 / 后进); a vetoed organization has the scheme's veto grade."),
               _("Approved ratings."), keys=_grade_keys(SchemeKind.STAR)),
        Figure("star.by_stars", _("Star ratings by stars"), _("The same ratings by the number of stars earned."),
               _("Approved ratings.")),
        Figure("star.vetoed", _("Star ratings vetoed"), _("Of those ratings, those cancelled by a veto item."),
               _("Approved ratings.")),
        Figure("tier.rated", _("Communities tiered"),
               _("Approved ratings of the tiering schemes (分类定级) in those cycles."), _("Approved ratings.")),
        Figure("tier.by_grade", _("Tiers"), _("The same ratings by tier (示范型 / 提高型 / 达标型 / 基础型)."),
               _("Approved ratings."), keys=_grade_keys(SchemeKind.TIER)),
        Figure("tier.vetoed", _("Tierings vetoed"), _("Of those ratings, those cancelled by a veto item."),
               _("Approved ratings.")),
        Figure("checklist.rated", _("Organizations checked against a standard"),
               _("Approved ratings of the standard checklists (五有一创, 六个有 …) in those cycles."),
               _("Approved ratings.")),
        Figure("checklist.by_grade", _("Checklist results"), _("The same ratings by result."), _("Approved ratings."),
               keys=_grade_keys(SchemeKind.CHECKLIST)),
        Figure("checklist.vetoed", _("Checklists vetoed"), _("Of those ratings, those cancelled by a veto item."),
               _("Approved ratings.")),
        Figure("rectification.open", _("Rectification tasks open"),
               _("Rectification tasks of the subtree's organizations created by the end of the day and not closed "
                 "then (awaiting a check included)."), _("Rectification tasks.")),
        Figure("rectification.overdue", _("Rectification tasks overdue"),
               _("Of the open tasks, those whose deadline was before the day."), _("Rectification tasks."),
               records=_rectifications(overdue=1)),
        Figure("rectification.closed", _("Rectification tasks closed"),
               _("Tasks accepted and closed from the first of the year to the day."), _("Rectification tasks.")),
    ],
)
