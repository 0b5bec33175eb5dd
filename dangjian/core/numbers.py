"""Small number helpers shared by the apps."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def percent(part, whole) -> Decimal | None:
    """``part`` of ``whole`` as a percentage to 2 places (half up); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)
