"""Objects of the coverage work's firms part for tests and for the authorization matrix."""
import io

from openpyxl import Workbook

from dangjian.organizations.models import Organization

from ..importing import FIRM_COLUMNS
from .fixtures import make_firm

HEADERS = [c.header for c in FIRM_COLUMNS]


def firm_workbook(rows: list[list]) -> io.BytesIO:
    """An import file with the template's headers and ``rows`` (values in column order)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    target = io.BytesIO()
    workbook.save(target)
    target.seek(0)
    target.name = "firms.xlsx"
    target.size = len(target.getvalue())
    return target


def matrix_samples(personas):
    """For the authorization matrix: a firm of 滨河社区党委's area (registered by the street's organizer)."""
    community = Organization.objects.get(name="滨河社区党委")
    return {"firm": make_firm(personas["organizer"], community, 9901, name="矩阵科技有限公司")}
