"""Pure grading rules of a cycle: points, stars, veto items, the grade and the movement between years.

No database access here: the services and selectors pass in what they read. A met non-veto
criterion gives its points (and counts as a star); a veto item that is *not* met (the bad event
happened, 一票否决) cancels the rating: no points, no stars, and the scheme's veto grade (or its
lowest grade when none is named).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .choices import Movement


class _Criterion(Protocol):
    points: Decimal
    is_veto: bool


class _Grade(Protocol):
    code: str
    rank: int
    min_points: Decimal


@dataclass(frozen=True)
class Tally:
    points: Decimal
    stars: int
    vetoed: bool


ZERO = Decimal("0")


def tally(rows: Iterable[tuple[_Criterion, bool | None]]) -> Tally:
    """Points, stars and veto of one assessment from ``(criterion, met)`` pairs (met None: not decided)."""
    points, stars, vetoed = ZERO, 0, False
    for criterion, met in rows:
        if criterion.is_veto:
            vetoed = vetoed or met is False
        elif met:
            points += Decimal(criterion.points)
            stars += 1
    if vetoed:
        return Tally(ZERO, 0, True)
    return Tally(points, stars, False)


def ranked(grades: Sequence[_Grade]) -> list:
    """Grades best first."""
    return sorted(grades, key=lambda g: g.rank, reverse=True)


def grade_for(grades: Sequence[_Grade], tally: Tally, veto_grade: str) -> str:
    """The code of the highest-ranked grade whose points needed are reached; the veto grade (or the
    lowest grade) when vetoed; "" for a scheme without grades."""
    order = ranked(grades)
    if not order:
        return ""
    if tally.vetoed:
        return veto_grade or order[-1].code
    for grade in order:
        if Decimal(grade.min_points) <= tally.points:
            return grade.code
    return order[-1].code


def rank_of(grades: Sequence[_Grade], code: str) -> int | None:
    return next((g.rank for g in grades if g.code == code), None)


def grade_above(grades: Sequence[_Grade], code: str) -> str | None:
    """The next grade up from ``code`` (the same grade when it is the top one); None for an unknown code."""
    order = ranked(grades)
    for i, grade in enumerate(order):
        if grade.code == code:
            return order[max(i - 1, 0)].code
    return None


def movement(previous_rank: int | None, current_rank: int | None, lowest_rank: int | None) -> str:
    """How a grade moved from the previous approved rating: first rating, promoted, unchanged, demoted,
    or turned around (up from the lowest grade, counted instead of promoted)."""
    if previous_rank is None or current_rank is None:
        return Movement.NEW
    if current_rank > previous_rank:
        return Movement.TURNED_AROUND if previous_rank == lowest_rank else Movement.PROMOTED
    if current_rank < previous_rank:
        return Movement.DEMOTED
    return Movement.SAME


def reached(grades: Sequence[_Grade], grade: str, target: str) -> bool | None:
    """Whether ``grade`` reaches the target grade; None without a target (or an unknown grade)."""
    if not target:
        return None
    have, want = rank_of(grades, grade), rank_of(grades, target)
    if have is None or want is None:
        return None
    return have >= want
