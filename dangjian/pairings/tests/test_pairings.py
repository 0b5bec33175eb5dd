import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.pairings import selectors
from dangjian.pairings.choices import EntryDirection, FundKind, HelpKind, PairingStatus
from dangjian.pairings.models import Fund, Pairing
from dangjian.pairings.services import (
    fund_create,
    fund_entry_add,
    pairing_create,
    pairing_end,
    pairing_visit_record,
)

from .fixtures import branch_member, tagged_household

pytestmark = pytest.mark.django_db

D = Decimal
Y = 2025


def day(month, d, year=Y):
    return datetime.date(year, month, d)


@pytest.fixture
def fund(org):
    return fund_create(actor=None, organization=org["community"], kind=FundKind.MUTUAL_AID, name="测试互助金")


@pytest.fixture
def pairing(org, personas):
    return pairing_create(actor=personas["branch"], organization=org["branch"], member=branch_member(org["branch"]),
                          household=tagged_household(), started_on=day(3, 1), goals="每周电话问候")


def add(fund, direction, when, amount, **kw):
    return fund_entry_add(actor=None, fund=fund, direction=direction, entry_date=when, amount=D(amount),
                          counterparty=kw.pop("counterparty", "某某"), approved_by="书记", **kw)


IN, OUT = EntryDirection.INCOME, EntryDirection.PAYMENT


def test_balances_over_a_year(fund):
    add(fund, IN, day(12, 20, Y - 1), "1000.00")     # opening balance of Y: 1000.00
    add(fund, OUT, day(12, 28, Y - 1), "250.50")     # → 749.50
    add(fund, IN, day(2, 1), "3000.00")              # 3749.50
    add(fund, OUT, day(3, 15), "1200.00")            # 2549.50
    add(fund, OUT, day(6, 30), "549.50")             # 2000.00
    add(fund, IN, day(9, 9), "120.25")               # 2120.25
    add(fund, OUT, day(12, 31), "2120.25")           # 0.00
    add(fund, IN, day(1, 5, Y + 1), "10.00")
    ledger = selectors.ledger(fund, Y)
    assert ledger.opening == D("749.50")
    assert [r.balance for r in ledger.rows] == [D("3749.50"), D("2549.50"), D("2000.00"), D("2120.25"), D("0.00")]
    assert ledger.income == D("3120.25") and ledger.payment == D("3869.75") and ledger.closing == D("0.00")
    assert fund.balance() == D("10.00")
    assert fund.balance(until=day(6, 30)) == D("2000.00")
    assert selectors.ledger(fund, Y + 1).opening == D("0.00")


def test_overdraft_refused(fund):
    add(fund, IN, day(1, 10), "500.00")
    with pytest.raises(ValidationError) as exc:
        add(fund, OUT, day(1, 11), "500.01")
    assert "amount" in exc.value.message_dict
    add(fund, OUT, day(1, 11), "500.00")
    assert fund.balance() == D("0")
    # A payment dated before a later income is still refused if the money was not there yet.
    add(fund, IN, day(5, 1), "300.00")
    with pytest.raises(ValidationError):
        add(fund, OUT, day(3, 1), "100.00")
    # A back-dated payment that would make a later balance negative is refused.
    add(fund, OUT, day(5, 2), "250.00")
    with pytest.raises(ValidationError):
        add(fund, OUT, day(5, 1), "100.00")
    add(fund, OUT, day(5, 1), "50.00")
    assert fund.balance() == D("0")


def test_entry_checks(fund):
    with pytest.raises(ValidationError) as exc:
        fund_entry_add(actor=None, fund=fund, direction=IN, entry_date=day(1, 1), amount=D("0"), counterparty="",
                       approved_by="")
    assert {"amount", "counterparty", "approved_by"} <= set(exc.value.message_dict)


def test_payment_for_a_pairing_shows_on_its_page(fund, pairing, client_for):
    add(fund, IN, day(3, 1), "900")
    entry = add(fund, OUT, day(3, 2), "300", pairing=pairing)
    assert entry.household == pairing.household
    response = client_for("community").get(reverse("pairings:detail", args=[pairing.pk]))
    assert list(response.context["payments"]) == [entry]


def test_pairing_needs_member_or_unit_and_a_household_of_the_community(org):
    household = tagged_household()
    with pytest.raises(ValidationError) as exc:
        pairing_create(actor=None, organization=org["branch"], household=household, started_on=day(1, 1), goals="x")
    assert "member" in exc.value.message_dict
    other = org["town"]
    with pytest.raises(ValidationError) as exc:
        pairing_create(actor=None, organization=other, unit_name="某单位", household=household, started_on=day(1, 1),
                       goals="x")
    assert "household" in exc.value.message_dict
    unit = pairing_create(actor=None, organization=org["community"], unit_name="滨河物业", household=household,
                          started_on=day(1, 1), goals="帮助")
    assert unit.organization == org["community"] and unit.helper_name == "滨河物业"


def test_member_pairs_under_their_branch(org):
    member = branch_member(org["branch"])
    pairing = pairing_create(actor=None, organization=org["community"], member=member, household=tagged_household(),
                             started_on=day(1, 1), goals="帮助")
    assert pairing.organization == org["branch"]


def test_visits(pairing, personas):
    visit = pairing_visit_record(actor=personas["branch"], pairing=pairing, visited_on=day(3, 5), found="身体尚可",
                                 help_kind=HelpKind.MONEY, amount=D("200"))
    assert visit.visitor == personas["branch"] and visit.amount == D("200")
    with pytest.raises(ValidationError) as exc:
        pairing_visit_record(actor=None, pairing=pairing, visited_on=day(2, 1), found="", help_kind=HelpKind.MONEY)
    assert {"visited_on", "found", "amount"} <= set(exc.value.message_dict)
    pairing_end(actor=None, pairing=pairing, ended_on=day(4, 1), note="已搬走")
    assert pairing.status == PairingStatus.ENDED
    with pytest.raises(ValidationError):
        pairing_visit_record(actor=None, pairing=pairing, visited_on=day(4, 2), found="x", help_kind=HelpKind.VISIT)
    assert AuditEntry.objects.filter(action="pairing.visited").count() == 1


def test_scope_sibling_gets_404(pairing, fund, client_for):
    client = client_for("sibling")
    for name, pk in [("pairings:detail", pairing.pk), ("pairings:visit", pairing.pk), ("pairings:end", pairing.pk),
                     ("pairings:ledger", fund.pk), ("pairings:payment", fund.pk), ("pairings:ledger_xlsx", fund.pk)]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.get("/api/v1/pairings/").json()["results"] == []
    assert client.get(f"/api/v1/pairings/{pairing.pk}/").status_code == 404
    assert pairing not in client_for("sibling").get(reverse("pairings:list")).context["page_obj"]


def test_members_see_their_own_pairings(org, personas, client_for):
    mine = pairing_create(actor=None, organization=org["branch"], member=personas["member"].member,
                          household=tagged_household(), started_on=day(1, 1), goals="帮助")
    other = pairing_create(actor=None, organization=org["branch"], member=branch_member(org["branch"]),
                           household=tagged_household(), started_on=day(1, 1), goals="帮助")
    assert set(Pairing.objects.restrict(personas["member"])) == {mine}
    client = client_for("member")
    assert client.get(reverse("pairings:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("pairings:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("pairings:funds")).status_code == 403
    response = client.post(reverse("pairings:visit", args=[mine.pk]), {
        "visited_on": "2025-02-01", "found": "挺好", "help_kind": "visit"})
    assert response.status_code == 302 and mine.visits.count() == 1


def test_reading_a_tagged_household_is_logged(pairing, client_for):
    before = AuditEntry.objects.filter(action="household.read").count()
    response = client_for("community").get(reverse("pairings:detail", args=[pairing.pk]))
    assert response.status_code == 200
    assert pairing.household.phone_masked in response.content.decode() or not pairing.household.phone_masked
    assert AuditEntry.objects.filter(action="household.read").count() == before + 1


def test_pages_add_pairing_fund_and_entries(org, client_for):
    client = client_for("community")
    household = tagged_household()
    response = client.post(f"{reverse('pairings:new')}?org={org['community'].pk}", {
        "unit_name": "滨河物业", "household": household.pk, "started_on": "2025-01-01", "goals": "每月上门"})
    assert response.status_code == 302
    response = client.post(f"{reverse('pairings:fund_new')}?org={org['community'].pk}", {
        "kind": FundKind.EMERGENCY, "name": "急难基金"})
    fund = Fund.objects.get(name="急难基金")
    assert response.status_code == 302
    client.post(reverse("pairings:income", args=[fund.pk]), {
        "entry_date": "2025-01-02", "amount": "100.00", "counterparty": "捐款", "approved_by": "书记"})
    response = client.post(reverse("pairings:payment", args=[fund.pk]), {
        "entry_date": "2025-01-03", "amount": "100.01", "counterparty": "张家", "approved_by": "书记"})
    assert response.status_code == 200 and response.context["form"].errors["amount"]
    assert fund.balance() == D("100.00")
    assert client.get(reverse("pairings:funds")).status_code == 200
    assert client.get(reverse("pairings:ledger", args=[fund.pk]), {"year": 2025}).status_code == 200
    response = client.get(reverse("pairings:ledger_xlsx", args=[fund.pk]), {"year": 2025})
    assert response.status_code == 200
    import io

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[-1][5] == 100  # closing balance


def test_auditor_reads_but_does_not_write(fund, client_for):
    client = client_for("auditor")
    assert client.get(reverse("pairings:ledger", args=[fund.pk])).status_code == 200
    assert client.get(reverse("pairings:income", args=[fund.pk])).status_code == 403


def test_demo_builds(org):
    from dangjian.pairings.demo import build_demo

    build_demo(seed=1)
    build_demo(seed=1)
    fund = Fund.objects.get(name="滨河社区党内互助金")
    assert fund.balance() >= 0 and Pairing.objects.filter(organization__path__startswith=org["community"].path).count() == 3
