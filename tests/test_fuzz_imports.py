"""The spreadsheet imports fed generated files through their upload pages (Hypothesis).

Each import (members, organizations, a grid's households, the firm register) is all-or-nothing:
a user who uploads a broken file must get the page back with the problems listed — never a
server error — and nothing of the file may have been written. The generated files start from the
import's own template row and spoil it: headers shuffled, dropped, doubled or invented; cells
replaced by long text, control characters, numbers, dates, booleans, formulas; empty rows; the
rows on a second sheet; bytes that are no workbook at all; CSV files in odd encodings.

A post that answers a redirect has imported the whole file; any other answer must leave the
counted tables (and the audit log) exactly as they were. The Django test client re-raises a
view's exception, so a crash fails the test with its traceback.
"""
from __future__ import annotations

import datetime
import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

EXAMPLES = int(os.environ.get("FUZZ_IMPORT_EXAMPLES", 200 if os.environ.get("FUZZ_LONG") == "1" else 10))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("FUZZ_LONG") != "1",
                suppress_health_check=list(HealthCheck), database=None)

CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\u200b\u202e\ufeff"

texts = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=CONTROL + "张三李四0123456789-/ ", max_size=20),
    st.integers(min_value=1, max_value=5).map(lambda n: "很长的文字" * (2000 * n)),  # 10,000 to 50,000 characters
    st.sampled_from(["=1/0", "=SUM(A1:A3)", "=A2", "=HYPERLINK(\"http://x\")", "#N/A", "#REF!", "-", "无", "是", "否",
                     "2026-02-30", "1900-01-00", "99999999", "0", "-1", "1e308", "NaN", "13800138000", " "]),
)
cells = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 12, 31)),
)


@st.composite
def workbooks(draw, headers: list[str], example: list):
    """The bytes and name of a generated upload, starting from the template's headers and example."""
    shape = draw(st.sampled_from(["xlsx", "xlsx", "xlsx", "second_sheet", "bytes", "zip_garbage", "csv"]))
    if shape == "bytes":
        return draw(st.binary(max_size=2000)), draw(st.sampled_from(["upload.xlsx", "upload.xls", "upload"]))
    if shape == "zip_garbage":
        return b"PK\x03\x04" + draw(st.binary(max_size=2000)), "upload.xlsx"
    header = list(headers)
    change = draw(st.sampled_from(["none", "none", "shuffle", "drop", "double", "invent", "blank"]))
    if change == "shuffle":
        header = draw(st.permutations(header))
    elif change == "drop":
        header.pop(draw(st.integers(0, len(header) - 1)))
    elif change == "double":
        header.append(header[0])
    elif change == "invent":
        header.append(draw(st.text(min_size=1, max_size=10)))
    elif change == "blank":
        header = [None] * len(header)
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = list(example) + [None] * max(0, len(header) - len(example))
        for index in draw(st.sets(st.integers(0, len(row) - 1), max_size=len(row))):
            row[index] = draw(cells)
        rows.append(row)
        if draw(st.booleans()):
            rows.append([None] * len(header))  # an empty row
    if shape == "csv":
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1", "cp1252", "broken"]))
        text = "\n".join(",".join("" if c is None else str(c).replace(",", "，") for c in r) for r in [header, *rows])
        broken = text.encode("utf-8")[:-1] + b"\xff\xfe\x80"
        data = broken if encoding == "broken" else text.encode(encoding, errors="replace")
        return data, "upload.csv"
    book = Workbook()
    sheet = book.active
    if shape == "second_sheet":
        sheet.append(["说明"])
        sheet = book.create_sheet("数据")
    for row in [header, *rows]:
        try:
            sheet.append(row)
        except Exception:  # noqa: BLE001 - openpyxl refuses some control characters: leave the cell out
            sheet.append([c if not isinstance(c, str) else "".join(ch for ch in c if ch >= " ") for c in row])
    target = io.BytesIO()
    book.save(target)
    return target.getvalue(), "upload.xlsx"


def counts(models) -> dict:
    from dangjian.core.models import AuditEntry

    return {m.__name__: m.objects.count() for m in (*models, AuditEntry)}


def upload(client, url, data: bytes, name: str, **fields):
    return client.post(url, {"file": SimpleUploadedFile(name, data), **fields})


def check_all_or_nothing(client, url, models, data, name, **fields):
    before = counts(models)
    response = upload(client, url, data, name, **fields)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert counts(models) == before, "a rejected file wrote something"
    return response


def headers_of(columns) -> list[str]:
    return [c.header for c in columns]


def test_members_import(client_for):
    from dangjian.members.importing import MEMBER_COLUMNS, template_row
    from dangjian.members.models import Member, Membership

    client = client_for("branch")
    from dangjian.accounts.models import User

    example = template_row(User.objects.get(username="branch"))

    @FUZZ
    @given(workbooks(headers_of(MEMBER_COLUMNS), example))
    def run(upload_file):
        check_all_or_nothing(client, "/members/import/", [Member, Membership], *upload_file)

    run()


def test_organizations_import(client_for):
    from dangjian.accounts.models import User
    from dangjian.organizations.importing import ORG_COLUMNS, template_row
    from dangjian.organizations.models import Organization, OrganizationVersion

    client = client_for("organizer")
    example = template_row(User.objects.get(username="organizer"))

    @FUZZ
    @given(workbooks(headers_of(ORG_COLUMNS), example))
    def run(upload_file):
        check_all_or_nothing(client, "/orgs/import/", [Organization, OrganizationVersion], *upload_file)

    run()


def test_firms_import(client_for):
    from dangjian.accounts.models import User
    from dangjian.coverage.importing import FIRM_COLUMNS, template_row
    from dangjian.coverage.models import Firm

    client = client_for("organizer")
    example = template_row(User.objects.get(username="organizer"))

    @FUZZ
    @given(workbooks(headers_of(FIRM_COLUMNS), example))
    def run(upload_file):
        check_all_or_nothing(client, "/coverage/firms/import/", [Firm], *upload_file)

    run()


def test_households_import(client_for):
    from dangjian.grid.importing import HOUSEHOLD_COLUMNS, template_row
    from dangjian.grid.models import Building, Grid, Household

    grid = Grid.objects.get(code="JB0101")
    client = client_for("community")
    url = f"/grid/grids/{grid.pk}/households/import/"
    assert client.get(url).status_code == 200

    @FUZZ
    @given(workbooks(headers_of(HOUSEHOLD_COLUMNS), template_row(grid)), st.booleans())
    def run(upload_file, update):
        check_all_or_nothing(client, url, [Household, Building], *upload_file, **({"update": "on"} if update else {}))

    run()

