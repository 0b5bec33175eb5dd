"""The dues brackets of the rule pack (rules.md §5), checked on their edges and as properties."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.core.rules import RuleBook
from dangjian.dues.calculation import compute, default_basis, dues_amount
from dangjian.dues.choices import DuesBasis

DAY = datetime.date(2026, 11, 1)
VERSION = "national-dues 2008.1"
BRACKET_BASES = [DuesBasis.WAGE, DuesBasis.ANNUAL_SALARY, DuesBasis.SELF_EMPLOYED, DuesBasis.RETIRED]
# Money as typed: yuan with two decimals, up to a high salary.
money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("200000.00"), places=2,
                    allow_nan=False, allow_infinity=False)


def expected(basis, base: Decimal) -> Decimal:
    """The rule as rules.md states it, written out independently of the pack."""
    if basis == DuesBasis.RETIRED:
        rate = Decimal("0.005") if base <= 5000 else Decimal("0.01")
    elif base <= 3000:
        rate = Decimal("0.005")
    elif base <= 5000:
        rate = Decimal("0.01")
    elif base <= 10000:
        rate = Decimal("0.015")
    else:
        rate = Decimal("0.02")
    return (base * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(("basis", "base", "amount"), [
    (DuesBasis.WAGE, "0", "0.00"),
    (DuesBasis.WAGE, "2999.99", "15.00"),
    (DuesBasis.WAGE, "3000.00", "15.00"),
    (DuesBasis.WAGE, "3000.01", "30.00"),
    (DuesBasis.WAGE, "5000.00", "50.00"),
    (DuesBasis.WAGE, "5000.01", "75.00"),
    (DuesBasis.WAGE, "10000.00", "150.00"),
    (DuesBasis.WAGE, "10000.01", "200.00"),
    (DuesBasis.WAGE, "4321.50", "43.22"),  # 43.215 rounds half up
    (DuesBasis.ANNUAL_SALARY, "20000", "400.00"),
    (DuesBasis.SELF_EMPLOYED, "3000.00", "15.00"),
    (DuesBasis.RETIRED, "3000.01", "15.00"),
    (DuesBasis.RETIRED, "5000.00", "25.00"),
    (DuesBasis.RETIRED, "5000.01", "50.00"),
    (DuesBasis.RETIRED, "7000", "70.00"),
    (DuesBasis.FIXED, "0", "0.20"),
    (DuesBasis.FIXED, "8000", "0.20"),
    (DuesBasis.FARMER, "0.20", "0.20"),
    (DuesBasis.FARMER, "0.5", "0.50"),
    (DuesBasis.FARMER, "1.00", "1.00"),
])
def test_bracket_edges(db, basis, base, amount):
    assert dues_amount(basis, Decimal(base), DAY) == (Decimal(amount), VERSION)


@pytest.mark.parametrize("category", ["student", "unemployed"])
def test_students_and_unemployed_pay_the_fixed_amount(db, category):
    basis = default_basis(category)
    assert basis == DuesBasis.FIXED
    assert dues_amount(basis, None, DAY) == (Decimal("0.20"), VERSION)


def test_refusals(db):
    with pytest.raises(ValidationError) as exc:
        dues_amount(DuesBasis.WAGE, Decimal("-1"), DAY)
    assert "base" in exc.value.message_dict
    for outside in ("0.19", "1.01", "0"):
        with pytest.raises(ValidationError) as exc:
            dues_amount(DuesBasis.FARMER, Decimal(outside), DAY)
        assert "base" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        dues_amount(DuesBasis.WAGE, Decimal("3000"), datetime.date(2008, 3, 31))
    assert "date" in exc.value.message_dict
    assert dues_amount(DuesBasis.WAGE, Decimal("3000"), datetime.date(2008, 4, 1))[0] == Decimal("15.00")
    with pytest.raises(ValidationError):
        dues_amount("salary", Decimal("3000"), DAY)


def test_bracket_properties(db):
    """For any base: never negative, exactly two decimals, the bracket of rules.md, and monotone
    non-decreasing in the base within a basis; the fixed amount whatever the base; farmers within
    the pack's range."""
    book = RuleBook(DAY)

    @settings(max_examples=400, deadline=None)
    @given(basis=st.sampled_from(BRACKET_BASES), base=money, other=money)
    def brackets(basis, base, other):
        amount, version = compute(book, None, basis, base)
        assert version == VERSION
        assert amount >= 0
        assert amount.as_tuple().exponent == -2
        assert amount == expected(basis, base)
        low, high = sorted([base, other])
        assert compute(book, None, basis, low)[0] <= compute(book, None, basis, high)[0]

    @settings(max_examples=200, deadline=None)
    @given(base=money, category=st.sampled_from(["student", "unemployed"]))
    def fixed(base, category):
        assert compute(book, None, default_basis(category), base) == (Decimal("0.20"), VERSION)

    @settings(max_examples=200, deadline=None)
    @given(base=st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5.00"), places=2))
    def farmers(base):
        if Decimal("0.20") <= base <= Decimal("1.00"):
            amount = compute(book, None, DuesBasis.FARMER, base)[0]
            assert amount == base and Decimal("0.20") <= amount <= Decimal("1.00")
            assert amount.as_tuple().exponent == -2
        else:
            with pytest.raises(ValidationError):
                compute(book, None, DuesBasis.FARMER, base)

    @settings(max_examples=100, deadline=None)
    @given(basis=st.sampled_from(BRACKET_BASES),
           base=st.decimals(max_value=Decimal("-0.01"), min_value=Decimal("-1e6"), places=2))
    def negative(basis, base):
        with pytest.raises(ValidationError):
            compute(book, None, basis, base)

    brackets()
    fixed()
    farmers()
    negative()


@pytest.mark.parametrize("edge", ["3000", "5000", "10000"])
def test_wage_edges_jump_upwards(db, edge):
    """At each wage edge the amount is the lower rate; a fen above it, the higher one."""
    at, above = dues_amount(DuesBasis.WAGE, Decimal(edge), DAY)[0], dues_amount(
        DuesBasis.WAGE, Decimal(edge) + Decimal("0.01"), DAY)[0]
    assert at < above
    assert at == expected(DuesBasis.WAGE, Decimal(edge))
