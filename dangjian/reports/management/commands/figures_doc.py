"""``manage.py figures_doc``: write ``docs/statistics.md``, the one documented definition of every
figure, from the definitions the code computes with (``--check``: fail if the file is out of date)."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dangjian.reports.figures import SECTIONS

DOC = Path(settings.BASE_DIR) / "docs" / "statistics.md"
HEAD = """# Statistics: the definition of every figure

Written by `manage.py figures_doc` from the definitions in `dangjian/reports/figures/` (a test fails
when this file and the code disagree). Every figure is computed for one organization's subtree as it
stood on one day (the *scope*): organizations in the subtree that day are read from the dated versions
of the organizations, members from their membership periods (see `docs/architecture.md`, rule 9).
Figures marked *year to the day* count from 1 January of the day's year to the day itself.

The same figures feed the dashboard (`/reports/`), the 大屏 (`/reports/screen/`), the report tables
(`/reports/tables/`), the monthly summaries and the API (`GET /api/v1/stats/overview/?org=&date=`, whose
answer has one object per section below, keyed by the section's code, and `GET /api/v1/stats/figures/`,
which answers this page as data). Counts are integers; percentages, hours and money are strings of
decimals, null when nothing is counted.
"""


def render() -> str:
    lines = [HEAD]
    with translation.override("en"):
        for section in SECTIONS:
            if not section.figures:
                continue
            lines += [f"## {section.label} (`{section.code}`)", "",
                      "| Figure | Path | Unit | Definition | Source records |", "|---|---|---|---|---|"]
            for figure in section.figures:
                codes = list(figure.keys()) if figure.keys else []
                keys = "<br>Keys: " + ", ".join(f"`{code}`" for code in codes) if codes else ""
                lines.append(f"| {figure.label} | `{section.code}.{figure.code}` | {figure.unit} "
                             f"| {figure.definition}{keys} | {figure.source} |")
            lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Write docs/statistics.md from the figures' definitions."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if docs/statistics.md is out of date.")

    def handle(self, *args, check=False, **options):
        text = render()
        if check:
            if not DOC.exists() or DOC.read_text() != text:
                raise CommandError("docs/statistics.md is out of date: run manage.py figures_doc")
            return
        DOC.write_text(text)
        self.stdout.write(f"Wrote {DOC.relative_to(settings.BASE_DIR)}")
