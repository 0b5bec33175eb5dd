"""Importing the firm register (issue 8, done when): every bad row reported, nothing written; a clean
list imported fully; a re-import skips the firms already registered."""
import pytest

from dangjian.core.models import AuditEntry
from dangjian.core.spreadsheets import ImportRejected
from dangjian.coverage import importing
from dangjian.coverage.models import Firm

from .fixtures import credit_code
from .fixtures_firms import firm_workbook

pytestmark = pytest.mark.django_db


def row(code, name, area="", **extra):
    values = {"credit_code": code, "name": name, "kind": "非公企业", "industry": "I", "size": "小型",
              "legal_representative": "张三", "established_on": "2020-05-01", "employees": "12",
              "address": "滨河路1号", "area_code": area, "building": "", "floor": ""} | extra
    return [values[c.field] for c in importing.FIRM_COLUMNS]


def wrong_check(code):
    return code[:17] + ("0" if code[17] != "0" else "1")


def test_bad_rows_are_all_reported_and_nothing_is_written(personas, org):
    area = org["community"].code
    good = credit_code(501)
    rows = [
        row(good, "滨河数码有限公司", area),                            # 2: duplicate of row 3
        row(good, "滨河数码有限公司（重复）", area),                      # 3: duplicate of row 2
        row(wrong_check(credit_code(502)), "错校验码公司", area),          # 4
        row(credit_code(503)[:17], "少一位公司", area),                   # 5
        row("91330102IO" + credit_code(504)[10:], "非法字符公司", area),   # 6
        row(credit_code(505), "正确的公司", area),                        # 7: fine
        row(credit_code(506), "支部管不了", org["branch"].code),           # 8: a branch does not look after firms
        row(credit_code(507), "没有类别", area, kind=""),                 # 9: kind required
    ]
    before = Firm.objects.count()
    with pytest.raises(ImportRejected) as caught:
        importing.firms_import(actor=personas["community"], upload=firm_workbook(rows))
    bad = {e.row for e in caught.value.row_errors}
    assert bad == {2, 3, 4, 5, 6, 8, 9}
    by_row = {e.row: e for e in caught.value.row_errors if e.column == "统一社会信用代码"}
    assert "3" in by_row[2].message and "2" in by_row[3].message  # each duplicate names the other row
    assert {by_row[n].message for n in (4, 5, 6)} and len({by_row[n].message for n in (4, 5, 6)}) == 3
    assert Firm.objects.count() == before


def test_a_corrected_list_imports_fully_and_a_reimport_skips(personas, org):
    area = org["community"].code
    rows = [row(credit_code(n), f"滨河导入企业{n}", area) for n in range(511, 516)]
    rows.append(row(credit_code(516), "滨河养老服务中心", area, kind="社会组织", industry="Q"))
    before = Firm.objects.count()
    result = importing.firms_import(actor=personas["community"], upload=firm_workbook(rows))
    assert (result.created, result.skipped) == (6, 0)
    assert Firm.objects.count() == before + 6
    firm = Firm.objects.get(unit__credit_code=credit_code(516))
    assert firm.unit.kind == "social_organization" and firm.industry == "Q" and firm.area_organization == org["community"]
    assert firm.employees == 12 and str(firm.established_on) == "2020-05-01"
    assert AuditEntry.objects.filter(action="firm.imported").count() == 1

    rows.append(row(credit_code(517), "滨河新增企业", area))
    again = importing.firms_import(actor=personas["community"], upload=firm_workbook(rows))
    assert (again.created, again.skipped) == (1, 6)
    assert Firm.objects.count() == before + 7


def test_import_page_lists_errors_and_the_branch_may_not_import(client_for, org):
    client = client_for("community")
    assert client.get("/coverage/firms/import/").status_code == 200
    template = client.get("/coverage/firms/import/template/")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    before = Firm.objects.count()
    upload = firm_workbook([row(wrong_check(credit_code(521)), "错码企业", org["community"].code)])
    response = client.post("/coverage/firms/import/", {"file": upload})
    assert response.status_code == 200 and Firm.objects.count() == before
    assert response.context["rejected"].row_errors[0].row == 2
    upload = firm_workbook([row(credit_code(522), "好企业", org["community"].code)])
    response = client.post("/coverage/firms/import/", {"file": upload})
    assert response.status_code == 302 and Firm.objects.count() == before + 1
    assert client_for("branch").get("/coverage/firms/import/").status_code == 403
    assert client_for("branch").get("/coverage/firms/import/template/").status_code == 403


def test_building_and_floor_are_checked(personas, org):
    from dangjian.coverage.models import Building

    Building.objects.create(name="测试大厦", address="滨河路2号", area_organization=org["community"], floors_above=5)
    area = org["community"].code
    rows = [row(credit_code(531), "楼里企业", area, building="测试大厦", floor="3"),
            row(credit_code(532), "楼层不对", area, building="测试大厦", floor="9"),
            row(credit_code(533), "没有的楼", area, building="不存在大厦", floor="1")]
    with pytest.raises(ImportRejected) as caught:
        importing.firms_import(actor=personas["community"], upload=firm_workbook(rows))
    assert {e.row for e in caught.value.row_errors} == {3, 4}
    result = importing.firms_import(actor=personas["community"], upload=firm_workbook(rows[:1]))
    assert result.created == 1
    firm = Firm.objects.get(unit__credit_code=credit_code(531))
    assert firm.building.name == "测试大厦" and firm.floor == 3


def test_a_code_held_by_a_unit_off_the_register_is_a_row_error(personas, org):
    from dangjian.organizations.models import Unit

    Unit.objects.create(name="滨河共建单位", kind="institution", credit_code=credit_code(541))
    area = org["community"].code
    rows = [row(credit_code(541), "冒用代码企业", area), row(credit_code(542), "正常企业", area)]
    before = Firm.objects.count()
    with pytest.raises(ImportRejected) as caught:
        importing.firms_import(actor=personas["community"], upload=firm_workbook(rows))
    errors = caught.value.row_errors
    assert [(e.row, e.column) for e in errors] == [(2, "统一社会信用代码")] and "滨河共建单位" in errors[0].message
    assert Firm.objects.count() == before


def test_a_code_registered_meanwhile_rejects_the_file(personas, org, monkeypatch):
    from django.db import IntegrityError

    area = org["community"].code
    calls = []

    def racing(*args, **kwargs):
        calls.append(1)
        from dangjian.organizations.models import Unit

        Unit.objects.create(name="抢先登记", kind="private_enterprise", credit_code=credit_code(551))
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importing, "_create", racing)
    with pytest.raises(ImportRejected) as caught:
        importing.firms_import(actor=personas["community"], upload=firm_workbook([row(credit_code(551), "并发企业", area)]))
    assert calls and [e.row for e in caught.value.row_errors] == [2]
