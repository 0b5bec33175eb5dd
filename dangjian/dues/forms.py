"""Forms of membership dues: one form per real-world event."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.dates import month_start
from dangjian.core.forms import MonthField
from dangjian.organizations.models import Organization

from .choices import DuesBasis, PaymentMethod, ReliefKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_ATTRS = {"inputmode": "decimal", "step": "0.01", "min": "0"}




def this_month():
    return month_start(timezone.localdate())


class DeclarationForm(forms.Form):
    basis = forms.ChoiceField(label=_("Dues basis"), choices=DuesBasis.choices, help_text=_(
        "Wage earners pay on their regular after-tax monthly pay; annual-salary earners on the actual pay of the "
        "month; the self-employed on the previous quarter's average monthly net income; farmers pay the amount the "
        "branch sets; students, the unemployed and those on relief pay the fixed amount."))
    base = forms.DecimalField(label=_("Monthly base (yuan)"), min_value=0, max_digits=10, decimal_places=2,
                              required=False, widget=forms.NumberInput(attrs=MONEY_ATTRS),
                              help_text=_("For a farmer: the monthly amount the branch set. Not needed for the fixed "
                                          "amount."))
    effective_from = MonthField(label=_("From month"), initial=this_month)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CalculatorForm(forms.Form):
    basis = forms.ChoiceField(label=_("Dues basis"), choices=DuesBasis.choices)
    base = forms.DecimalField(label=_("Monthly base (yuan)"), min_value=0, max_digits=12, decimal_places=2,
                              required=False, widget=forms.NumberInput(attrs=MONEY_ATTRS),
                              help_text=_("Regular after-tax monthly pay (farmers: the amount the branch set)."))
    on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate, required=False)


class CollectMonthForm(forms.Form):
    """How and when the ticked members paid (the month is the page's; the members come beside it)."""

    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH,
                               help_text=_("Each member's own method can be changed in the list."))


class CorrectionForm(forms.Form):
    amount_paid = forms.DecimalField(label=_("Amount paid (yuan)"), min_value=0, max_digits=10, decimal_places=2,
                                     widget=forms.NumberInput(attrs=MONEY_ATTRS))
    extra = forms.DecimalField(label=_("Voluntary extra (yuan)"), min_value=0, max_digits=10, decimal_places=2,
                               widget=forms.NumberInput(attrs=MONEY_ATTRS))
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    reason = forms.CharField(label=_("Why is it corrected?"), max_length=200)


class ReliefRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReliefKind.choices, initial=ReliefKind.EXEMPTION)
    reduced_amount = forms.DecimalField(label=_("Monthly amount to pay instead (yuan)"), min_value=0, max_digits=10,
                                        decimal_places=2, required=False, widget=forms.NumberInput(attrs=MONEY_ATTRS),
                                        help_text=_("Only for a reduction."))
    from_month = MonthField(label=_("From month"), initial=this_month)
    to_month = MonthField(label=_("To month"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Such as serious illness, hardship after a disaster, or living on relief."))
    decided_on = forms.DateField(label=_("Decided by the branch committee on"), widget=DATE,
                                 initial=timezone.localdate)


class ReliefReviewForm(forms.Form):
    DECISIONS = [("approve", _("Approve")), ("reject", _("Reject"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, initial="approve")
    approving_organization = forms.ModelChoiceField(label=_("Approved by"), queryset=Organization.objects.none())
    reviewed_on = forms.DateField(label=_("Date of the decision"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("Required when rejecting: say why."))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["approving_organization"]
        field.queryset = organizations
        field.empty_label = None


def parse_month(value, default: datetime.date | None = None) -> datetime.date | None:
    """A month from a query string (yyyy-mm), or ``default``."""
    field = MonthField(required=False)
    try:
        return field.clean(value) or default
    except forms.ValidationError:
        return default
