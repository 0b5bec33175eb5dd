"""Figures of Party coverage of private firms and social organizations (两新组织覆盖) in a subtree's
area on a day, as the coverage work computes them (``coverage.selectors``): the firms looked after
by the subtree's organizations that existed that day, by how Party work reached them that day
(own or joint organization, instructor or liaison, none), the organizational and work coverage
rates, the office buildings looked after, and the firms ready to form their own branch.
"""
from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.coverage.choices import Coverage, FirmKind
from dangjian.coverage.models import Building, Firm
from dangjian.coverage.selectors import area_firms, coverage_counts, existing_on, ready_to_form

from .base import Figure, Scope, Section, as_text
from .links import with_params


def compute(scope: Scope) -> dict:
    counts = coverage_counts(scope.root, scope.on)
    by_kind = dict(existing_on(area_firms(scope.root), scope.on).values_list("unit__kind")
                   .annotate(n=Count("pk")).order_by())
    end = timezone.make_aware(datetime.datetime.combine(scope.on + datetime.timedelta(days=1), datetime.time.min))
    buildings = Building.objects.filter(scope.org_q("area_organization"), created_at__lt=end)
    in_buildings = existing_on(Firm.objects.filter(building__in=buildings), scope.on).count()
    return {
        "firms": counts["total"],
        "by_coverage": {code: counts[code] for code in Coverage.values},
        "by_kind": {code: by_kind.get(code, 0) for code in FirmKind.values},
        "organized_rate": as_text(counts["organized_rate"]),
        "worked_rate": as_text(counts["worked_rate"]),
        "buildings": buildings.count(),
        "firms_in_buildings": in_buildings,
        "ready_to_form": ready_to_form(area_firms(scope.root), scope.on, organization=scope.root).count(),
    }


def _firms(param: str = ""):
    def link(scope: Scope, key: str = "") -> str:
        extra = {param: key} if param else {}
        return with_params("coverage:firms", org=scope.root.pk, on=scope.on.isoformat(), **extra)
    return link


def _ready(scope: Scope, key: str = "") -> str:
    return with_params("coverage:firms_ready", org=scope.root.pk, on=scope.on.isoformat())


SECTION = Section(
    code="coverage",
    direct=False,  # computed over the module's subtree selectors, not scope.org_q
    label=_("Coverage of firms and social organizations"),
    compute=compute,
    figures=[
        Figure("firms", _("Firms and social organizations"),
               _("Private firms and social organizations looked after by area by the subtree's organizations that "
                 "existed on the day (established by then, or of unknown date, and not closed or moved out)."),
               _("The firm register."), records=_firms()),
        Figure("by_coverage", _("By coverage"),
               _("The same firms by how Party work reached them on the day: an own organization active that day, a "
                 "joint organization covering the unit that day, an instructor or liaison in post that day, or none."),
               _("The firm register, the dated versions of organizations, joint units, assignments."),
               keys=lambda: dict(Coverage.choices), records=_firms("coverage")),
        Figure("by_kind", _("By kind"), _("The same firms, private firms and social organizations apart."),
               _("The firm register."), keys=lambda: dict(FirmKind.choices), records=_firms("kind")),
        Figure("organized_rate", _("Organizational coverage rate"),
               _("Firms with an own or a joint Party organization ÷ firms (党的组织覆盖率)."),
               _("The firm register and the org tree."), unit="percent"),
        Figure("worked_rate", _("Work coverage rate"),
               _("Firms with an own or joint organization or an instructor or liaison ÷ firms (党的工作覆盖率)."),
               _("The firm register, the org tree, assignments."), unit="percent"),
        Figure("buildings", _("Office buildings"),
               _("Office buildings looked after by area by the subtree's organizations, recorded by the day."),
               _("Buildings.")),
        Figure("firms_in_buildings", _("Firms in office buildings"),
               _("Firms in those buildings that existed on the day."), _("The firm register.")),
        Figure("ready_to_form", _("Ready to form a branch"),
               _("Firms without their own organization whose full members on the roll reach the number a branch needs "
                 "(rule pack; 3 nationally): 成熟一个、组建一个."), _("The firm register, the roster."),
               records=_ready),
    ],
)
