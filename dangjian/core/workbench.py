"""Shared shape of the workbench lines (see ``dangjian.core.views`` ``WORKBENCH_SOURCES`` and
``PERSONAL_WORKBENCH_SOURCES``): each source returns a list of item dicts the workbench template draws."""
from __future__ import annotations

import datetime


def alert(label: str, text: str, url: str, *, overdue: bool = False, when: datetime.date | None = None) -> dict:
    """One "alert" line of the workbench: a short label, the sentence, the link to act on it, whether it is
    overdue (drawn in red) and an optional due date."""
    return {"kind": "alert", "label": label, "when": when, "overdue": overdue, "text": text, "url": url}
