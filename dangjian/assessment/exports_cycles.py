"""A cycle's results as files: a spreadsheet with every organization's criteria, points and grade (and the
grade distribution on a second sheet), and a Word report of the results (“…评定结果”) in the layout of an
official notice (GB/T 9704), as an organization department publishes them."""
from __future__ import annotations

import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dangjian.core.spreadsheets import FILE_LANGUAGE, bool_label
from dangjian.orglife.documents import DOCX_CONTENT_TYPE, DocumentWriter, format_date

from . import selectors_cycles as selectors
from .choices import AssessmentStatus, Movement, SchemeKind
from .indicators import value_text
from .models import CriterionResult, Cycle
from .services_cycles import scheme_grades

__all__ = ["DOCX_CONTENT_TYPE", "cycle_docx", "cycle_xlsx", "file_stem"]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def file_stem(cycle: Cycle) -> str:
    return f"{cycle.name}评定结果"


def _number(value) -> int | float:
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)


def _met_label(criterion, result) -> str:
    if result is None or result.met is None:
        return _("Not decided")
    if criterion.is_veto:
        return _("Not triggered") if result.met else _("Triggered")
    return bool_label(result.met)


def _results_by_assessment(cycle: Cycle) -> dict[int, dict[int, CriterionResult]]:
    by: dict[int, dict[int, CriterionResult]] = {}
    for result in CriterionResult.objects.filter(assessment__cycle=cycle).only(
            "assessment_id", "criterion_id", "met", "value", "measured_at"):
        by.setdefault(result.assessment_id, {})[result.criterion_id] = result
    return by


def _sheet(workbook, title: str, headers: list[str], widths: list[int]):
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "B2"
    return sheet


def _measured(criterion, result: CriterionResult | None) -> str:
    if result is None or result.measured_at is None:
        return ""
    if result.value is None:
        return _("no records in the period")
    return value_text(criterion.indicator, result.value)


def cycle_xlsx(cycle: Cycle) -> bytes:
    """One row per organization: each criterion's result (and measured value), points, stars, grade, veto,
    target and movement; a second sheet with the grade distribution."""
    criteria = list(cycle.scheme.criteria.all())
    movements = selectors.movements(cycle)
    rows = selectors.cycle_rows(cycle, moves=movements)
    results = _results_by_assessment(cycle)
    dist = selectors.distribution(cycle)
    star = cycle.scheme.kind == SchemeKind.STAR
    with translation.override(FILE_LANGUAGE):
        headers = [_("Organization"), _("Current step"), _("Status")]
        widths = [28, 16, 10]
        for c in criteria:
            headers.append(c.name)
            widths.append(14)
            if c.measured:
                headers.append(_("%(name)s (measured)") % {"name": c.name})
                widths.append(12)
        headers += [_("Points"), *([_("Stars")] if star else []), _("Grade"), _("Vetoed"), _("Target grade"),
                    _("Target reached"), _("Movement")]
        widths += [8, *([8] if star else []), 10, 8, 10, 10, 10]
        workbook = Workbook()
        workbook.remove(workbook.active)
        sheet = _sheet(workbook, _("Results"), headers, widths)
        for row in rows:
            line = [row.organization.name, row.step_name, str(AssessmentStatus(row.status).label)]
            mine = results.get(row.assessment.pk, {})
            for c in criteria:
                result = mine.get(c.pk)
                line.append(_met_label(c, result))
                if c.measured:
                    line.append(_measured(c, result))
            reached = "" if row.target_reached is None else bool_label(row.target_reached)
            line += [_number(row.points), *([row.stars] if star else []), row.grade_name, bool_label(row.vetoed),
                     row.target_name, reached, str(Movement(row.movement).label)]
            sheet.append(line)
        summary = _sheet(workbook, _("Distribution"), [_("Grade"), _("Count"), _("Percent")], [14, 10, 10])
        for share in dist.rows:
            summary.append([share.name, share.count, f"{share.percent}%"])
        summary.append([_("Approved"), dist.approved, ""])
        summary.append([_("Total in the cycle"), dist.total, ""])
        summary.append([_("Vetoed"), dist.vetoed, ""])
        if star:
            summary.append([_("Stars earned"), dist.stars_earned, ""])
            summary.append([_("Stars possible"), dist.stars_possible, ""])
            summary.append([_("Star rate"), "", "—" if dist.star_rate is None else f"{dist.star_rate}%"])
        for code, count in selectors.movement_counts(cycle, movements).items():
            summary.append([str(Movement(code).label), count, ""])
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()


def cycle_docx(cycle: Cycle) -> bytes:
    """The results report: a summary, the distribution table, and the organizations grade by grade."""
    dist = selectors.distribution(cycle)
    rows = [r for r in selectors.cycle_rows(cycle) if r.status == AssessmentStatus.APPROVED]
    star = cycle.scheme.kind == SchemeKind.STAR
    with translation.override(FILE_LANGUAGE):
        writer = DocumentWriter(file_stem(cycle))
        writer.title(file_stem(cycle))
        parts = "，".join(_("%(grade)s %(count)d (%(percent)s%%)") % {
            "grade": s.name, "count": s.count, "percent": s.percent} for s in dist.rows)
        summary = _("Under “%(scheme)s”, %(org)s rated %(total)d organizations for %(start)s to %(end)s; "
                    "%(approved)d ratings are approved: %(parts)s.") % {
            "scheme": cycle.scheme.name, "org": cycle.organization.name, "total": dist.total,
            "start": format_date(cycle.period_start), "end": format_date(cycle.period_end),
            "approved": dist.approved, "parts": parts or "—"}
        if star and dist.star_rate is not None:
            summary += _(" Stars earned: %(earned)d of %(possible)d, a star rate of %(rate)s%%.") % {
                "earned": dist.stars_earned, "possible": dist.stars_possible, "rate": dist.star_rate}
        if dist.vetoed:
            summary += _(" %(n)d organizations failed a veto item and their rating was cancelled.") % {"n": dist.vetoed}
        writer.text(summary)
        writer.heading(_("Distribution of grades"))
        table = [[s.name, str(s.count), f"{s.percent}%"] for s in dist.rows]
        table.append([_("Total"), str(dist.approved), "100%" if dist.approved else "—"])
        writer.table([_("Grade"), _("Count"), _("Percent")], table, [50, 40, 40])
        if star:
            writer.text(_("Star rate: %(rate)s (stars earned %(earned)d, stars possible %(possible)d).") % {
                "rate": "—" if dist.star_rate is None else f"{dist.star_rate}%", "earned": dist.stars_earned,
                "possible": dist.stars_possible})
        writer.heading(_("Organizations by grade"))
        for grade in scheme_grades(cycle.scheme):
            names = [r.organization.name + (_(" (vetoed)") if r.vetoed else "")
                     for r in rows if r.assessment.grade == grade.code]
            writer.text("、".join(names) if names else _("None."),
                        label=_("%(grade)s (%(count)d)") % {"grade": grade.name, "count": len(names)})
        waiting = dist.total - dist.approved
        if waiting:
            writer.text(_("%(n)d organizations are still under review and are not listed.") % {"n": waiting})
        return writer.bytes()
