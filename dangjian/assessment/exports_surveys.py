"""A survey's results as a spreadsheet: the tallies (统计) and the raw answers (原始答卷).

Both sheets are described by :class:`dangjian.core.spreadsheets.Column` like the other exports and
streamed in write-only mode. ``write_workbook`` writes one table per file, and the results are
two tables, so the sheets are written here with the same headers, widths and frozen first row.

The raw answers name the respondent only for a named survey answered by signed-in users. For
every other survey they come question by question, sorted by the answer, numbered by response
in that order: the file tells nothing of who answered when.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from dangjian.core.spreadsheets import Column

from .choices import SurveyAccess
from .models import Survey
from .selectors_surveys import SurveyTally, raw_answers

SUMMARY_SHEET = "统计"
RAW_SHEET = "原始答卷"
SUMMARY_COLUMNS = [
    Column("题号", "number", width=6), Column("题目", "question", width=40), Column("选项或分值", "value", width=24),
    Column("人数", "count", width=10), Column("比例(%)", "percent", width=10),
]
RESPONDENT = Column("答卷人", "respondent", width=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def raw_columns(named: bool) -> list[Column]:
    return [Column("答卷编号", "response", width=10), *([RESPONDENT] if named else []), Column("题号", "number", width=6),
            Column("题目", "question", width=40), Column("回答", "answer", width=40)]


def is_named(survey: Survey) -> bool:
    """Whether the export may name respondents: a named survey answered by signed-in users."""
    return not survey.anonymous and survey.access == SurveyAccess.ACCOUNT


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def summary_rows(figures: SurveyTally) -> Iterable[list]:
    """The facts of the survey first (question number left empty), then a row per option or rating."""
    yield [None, figures.survey.title, None, None, None]
    yield [None, "参与人数", None, figures.respondents, None]
    if figures.issued is not None:
        yield [None, "发放测评码", None, figures.issued, None]
        yield [None, "已使用测评码（参与率%）", None, figures.used, _number(figures.turnout)]
    for number, q in enumerate(figures.questions, 1):
        if q.options:
            for o in q.options:
                yield [number, q.question.text, o.text, o.count, _number(o.percent)]
        elif q.distribution:
            for rating, count in q.distribution:
                yield [number, q.question.text, rating, count, None]
            yield [number, q.question.text, "平均分", _number(q.average), None]
            yield [number, q.question.text, "满意", q.satisfied, _number(q.satisfied_percent)]
        else:
            yield [number, q.question.text, "文字回答", q.answered, None]


def _answer_text(answer) -> str | int:
    if answer.option_id:
        return answer.option.text
    if answer.rating is not None:
        return answer.rating
    return answer.text


def raw_rows(survey: Survey, figures: SurveyTally, *, named: bool) -> Iterable[list]:
    """One row per answer; the response number counts responses in the order the rows meet them."""
    numbers = {q.question.pk: n for n, q in enumerate(figures.questions, 1)}
    answers = raw_answers(survey, named=named)
    if named:
        answers = answers.select_related("response__respondent")
    sequence: dict = {}
    for answer in answers.iterator(chunk_size=2000):
        sheet_no = sequence.setdefault(answer.response_id, len(sequence) + 1)
        who = []
        if named:
            person = answer.response.respondent
            who = [(person.get_full_name() or person.get_username()) if person else ""]
        yield [sheet_no, *who, numbers.get(answer.question_id), answer.question.text, _answer_text(answer)]


def _write_sheet(workbook: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> None:
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        headers.append(cell)
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))


def results_xlsx(survey: Survey, figures: SurveyTally) -> bytes:
    """The tallies (``selectors_surveys.survey_tally``) and the raw answers of ``survey`` as xlsx."""
    named = is_named(survey)
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, SUMMARY_SHEET, SUMMARY_COLUMNS, summary_rows(figures))
    _write_sheet(workbook, RAW_SHEET, raw_columns(named), raw_rows(survey, figures, named=named))
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()
