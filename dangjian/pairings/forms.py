"""Forms of pairings and funds: one per real-world event; the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.grid.models import Household
from dangjian.members.models import Member

from .choices import EntryDirection, FundKind, HelpKind
from .models import Pairing

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.organization.display_name}）"


class HouseholdField(forms.ModelChoiceField):
    """Households named by building and room only: no names, phones or tags in a pick list."""

    def label_from_instance(self, household):
        return f"{household.building.name} {household.room}"


class PairingField(forms.ModelChoiceField):
    def label_from_instance(self, pairing):
        return f"{pairing.helper_name} ↔ {pairing.household.building.name} {pairing.household.room}"


class PairingForm(forms.Form):
    member = MemberField(label=_("Member"), required=False, queryset=Member.objects.none(),
                         help_text=_("A member pairs under their branch."))
    unit_name = forms.CharField(label=_("Or a unit"), max_length=100, required=False,
                                help_text=_("A unit in the community, for example 滨河物业公司党支部."))
    household = HouseholdField(label=_("Household"), queryset=Household.objects.none())
    started_on = forms.DateField(label=_("Started on"), widget=DATE, initial=timezone.localdate)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("What the pairing is to achieve, for example: weekly call, help with "
                                        "medical insurance."))

    def __init__(self, *args, members, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["household"].queryset = households


class EndPairingForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("How it ended"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    found = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    help_kind = forms.ChoiceField(label=_("Help given"), choices=HelpKind.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, min_value=0, max_digits=12,
                                decimal_places=2, help_text=_("For money; for goods, their value if known."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example 滨河社区党内互助金."))


class FundEntryForm(forms.Form):
    entry_date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    counterparty = forms.CharField(label=_("Source or payee"), max_length=200)
    approved_by = forms.CharField(label=_("Approved by"), max_length=100)
    pairing = PairingField(label=_("For the pairing"), required=False, queryset=Pairing.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, direction, pairings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = pairings
        if direction == EntryDirection.INCOME:
            self.fields["counterparty"].label = _("Source")
            self.fields["counterparty"].help_text = _("For example: members' donations, a grant of the street.")
            del self.fields["pairing"]
        else:
            self.fields["counterparty"].label = _("Paid to")
