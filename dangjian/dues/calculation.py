"""Computing dues from the rule pack (rules.md §5): brackets, the farmers' range, the fixed amount.

Decimal only, rounded to the fen with ROUND_HALF_UP. :func:`dues_amount` answers one question;
:class:`DuesRules` answers many (a ledger of a subtree) with the rule packs loaded once.
"""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangjian.core.rules import RuleBook, RuleMissing, RuleValue, ancestor_codes

from .choices import BASIS_FROM_CATEGORY, DuesBasis

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    """A Decimal yuan amount with two places (ROUND_HALF_UP)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def default_basis(category: str) -> str:
    """The dues basis a member of this statistical category has until a declaration says otherwise."""
    return BASIS_FROM_CATEGORY.get(category, DuesBasis.WAGE)


def parse_base(value) -> Decimal:
    """A base as a Decimal; refuses what is not a finite, non-negative number."""
    try:
        base = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"base": _("The base must be a number of yuan, such as 4500.00.")}) from exc
    if not base.is_finite():
        raise ValidationError({"base": _("The base must be a number of yuan, such as 4500.00.")})
    if base < 0:
        raise ValidationError({"base": _("The base cannot be negative.")})
    return base


def _get(book: RuleBook, key: str, codes) -> RuleValue:
    try:
        return book.get(key, codes)
    except RuleMissing as exc:
        raise ValidationError({"date": _("No dues rule is in force on %(day)s (the rules apply from 1 April 2008).")
                               % {"day": book.on.isoformat()}}) from exc


def compute(book: RuleBook, codes: dict | None, basis: str, base) -> tuple[Decimal, str]:
    """The monthly amount for ``basis`` and ``base`` under the packs of ``book``, and the version used."""
    if basis not in DuesBasis.values:
        raise ValidationError({"basis": _("Unknown dues basis: %(basis)s.") % {"basis": basis}})
    base = parse_base(base if base is not None else 0)
    method = _get(book, f"dues.method.{basis}", codes).value
    if method == "fixed":
        value = _get(book, "dues.fixed.amount", codes)
        return to_money(value.value), value.version
    if method == "farmer":
        value = _get(book, "dues.farmer", codes)
        low, high = Decimal(value.value["min"]), Decimal(value.value["max"])
        if not low <= base <= high:
            raise ValidationError({"base": _("A farmer pays between ¥%(min)s and ¥%(max)s a month, as the branch sets.")
                                   % {"min": to_money(low), "max": to_money(high)}})
        return to_money(base), value.version
    value = _get(book, f"dues.brackets.{method}", codes)
    rate = None
    for bracket in value.value:
        if "up_to" not in bracket or base <= Decimal(bracket["up_to"]):
            rate = Decimal(bracket["rate"])
            break
    if rate is None:  # a pack whose last bracket has an upper bound: the top rate applies above it
        rate = Decimal(value.value[-1]["rate"])
    return to_money(base * rate), value.version


def dues_amount(basis: str, base, on: datetime.date, organization=None) -> tuple[Decimal, str]:
    """The dues for one month: ``(amount in yuan, rule version)``.

    ``basis`` is a :class:`DuesBasis` value; ``base`` the declared monthly base in yuan (for a
    farmer, the amount the branch set; ignored for the fixed amount); ``on`` a day of the
    month; ``organization`` selects local packs. Raises ValidationError for a negative base, an
    unknown basis, a farmer's amount out of range or a day before the rules were in force.
    """
    codes = ancestor_codes(organization) if organization is not None else None
    return compute(RuleBook(on), codes, basis, base)


class DuesRules:
    """The dues rules for many members and months, with the rule packs read in one query.

    Local packs matter only if they say something about dues; then their organizations' paths
    are read once (one more query) and each organization's codes derived from its path.
    """

    def __init__(self):
        from dangjian.core.models import RulePack
        from dangjian.organizations.models import Organization

        self.packs = list(RulePack.objects.all())
        local = {p.organization_code for p in self.packs if p.organization_code and "dues" in p.data}
        self.local = (list(Organization.objects.filter(code__in=local).values_list("code", "path", "depth"))
                      if local else [])
        self._books: dict[datetime.date, RuleBook] = {}
        self._amounts: dict[tuple, tuple[Decimal, str] | ValidationError] = {}
        self._codes: dict[str, dict[str, int]] = {}
        self._values: dict[tuple, object] = {}

    def book(self, day: datetime.date) -> RuleBook:
        if day not in self._books:
            book = RuleBook.__new__(RuleBook)
            book.on, book.packs = day, [p for p in self.packs if p.effective_from <= day]
            self._books[day] = book
        return self._books[day]

    def codes(self, path: str | None) -> dict[str, int]:
        if not path:
            return {}
        if path not in self._codes:
            self._codes[path] = {code: depth for code, prefix, depth in self.local if path.startswith(prefix)}
        return self._codes[path]

    def amount(self, basis: str, base, month: datetime.date, path: str | None = None) -> tuple[Decimal, str]:
        """As :func:`dues_amount`, for the organization at ``path``; results are cached."""
        codes = self.codes(path)
        key = (basis, base, month, tuple(sorted(codes.items())))
        if key not in self._amounts:
            try:
                self._amounts[key] = compute(self.book(month), codes, basis, base)
            except ValidationError as exc:
                self._amounts[key] = exc
        result = self._amounts[key]
        if isinstance(result, ValidationError):
            raise result
        return result

    def value(self, key: str, day: datetime.date, path: str | None = None, default=None):
        """A rule's value for the organization at ``path`` on ``day`` (cached), or ``default``."""
        codes = self.codes(path)
        cache_key = (key, day, tuple(sorted(codes.items())))
        if cache_key not in self._values:
            try:
                self._values[cache_key] = self.book(day).get(key, codes).value
            except RuleMissing:
                self._values[cache_key] = RuleMissing
        value = self._values[cache_key]
        return default if value is RuleMissing else value
