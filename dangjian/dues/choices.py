from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.members.choices import Category


class DuesBasis(models.TextChoices):
    """How a member's dues are computed (缴费类别, rules.md §5), separate from the statistical category."""

    WAGE = "wage", _("Wage earner")
    RETIRED = "retired", _("Retired")
    ANNUAL_SALARY = "annual_salary", _("Annual salary")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    FARMER = "farmer", _("Farmer or herder")
    FIXED = "fixed", _("Fixed amount (students, unemployed, relief)")


# The basis a member has until a declaration says otherwise.
BASIS_FROM_CATEGORY = {
    Category.EMPLOYED: DuesBasis.WAGE,
    Category.RETIRED: DuesBasis.RETIRED,
    Category.STUDENT: DuesBasis.FIXED,
    Category.UNEMPLOYED: DuesBasis.FIXED,
    Category.FARMER: DuesBasis.FARMER,
    Category.SELF_EMPLOYED: DuesBasis.SELF_EMPLOYED,
    Category.OTHER: DuesBasis.WAGE,
}

# Bases whose amount does not depend on a declared base.
NO_BASE_NEEDED = (DuesBasis.FIXED,)


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    PAYROLL = "payroll", _("Payroll deduction")


class ReliefKind(models.TextChoices):
    REDUCTION = "reduction", _("Reduction")
    EXEMPTION = "exemption", _("Exemption")


class ReliefStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# The relief workflow: the branch decides and asks, the upper committee approves or rejects.
RELIEF_TRANSITIONS = {
    ReliefStatus.PENDING: (ReliefStatus.APPROVED, ReliefStatus.REJECTED),
    ReliefStatus.APPROVED: (),
    ReliefStatus.REJECTED: (),
}


class CellState(models.TextChoices):
    """What one member-month of the ledger shows."""

    PAID = "paid", _("Paid")
    OWED = "owed", _("Owed")
    DUE = "due", _("Due this month")
    EXEMPT = "exempt", _("Exempted")
    FUTURE = "future", _("Not yet due")
    NONE = "none", _("Not owed")
