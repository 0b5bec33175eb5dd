"""Forms of hardship and care: one form per real-world event; the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import FESTIVALS, FundingSource, HardshipKind, Occasion, SupportKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.name}（{member.organization.display_name}）"


class HardshipCaseForm(forms.Form):
    """Register a member in hardship (困难党员登记)."""

    member = MemberField(label=_("Member"), queryset=Member.objects.none())
    kinds = forms.MultipleChoiceField(label=_("Kinds of difficulty"), choices=HardshipKind.choices,
                                      widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                      help_text=_("Tick every kind that applies."))
    situation = forms.CharField(label=_("Situation"), widget=forms.Textarea(attrs={"rows": 4}), help_text=_(
        "What the difficulty is, the family's circumstances and what help is needed. Kept confidential."))
    since = forms.DateField(label=_("In hardship since"), widget=DATE, initial=timezone.localdate,
                            help_text=_("When the difficulty began, as far as known."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class CloseCaseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE, initial=timezone.localdate)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_(
        "What changed (found work, recovered, moved in with family…) or who took the case over."))


class SupportForm(forms.Form):
    """Support given to a member in hardship (帮扶记录)."""

    given_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, min_value=0, max_digits=10,
                                decimal_places=2, help_text=_("For money; for goods, their value if known."))
    goods = forms.CharField(label=_("Goods"), max_length=200, required=False,
                            help_text=_("For example: rice and oil, a winter coat, a wheelchair."))
    given_by_organization = forms.ModelChoiceField(label=_("Given by (organization)"), required=False,
                                                   queryset=Organization.objects.none())
    given_by = forms.CharField(label=_("Given by (people)"), max_length=200, required=False,
                               help_text=_("Names of those who brought it, or the unit that gave it."))
    funding_source = forms.ChoiceField(label=_("Funding source"), required=False,
                                       choices=[("", "—"), *FundingSource.choices])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by_organization"].queryset = organizations


class CareVisitBatchForm(forms.Form):
    """Care visits (慰问) to several members at once; one record is kept per member."""

    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE, initial=timezone.localdate)
    visitors = forms.CharField(label=_("Visitors"), max_length=200,
                               help_text=_("Who went, for example: 社区党委书记张华、支部书记李明."))
    gifts = forms.CharField(label=_("Gifts"), max_length=200, required=False,
                            help_text=_("For example: 慰问品（米、油）."))
    amount = forms.DecimalField(label=_("Money given to each (yuan)"), required=False, min_value=0, max_digits=10,
                                decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    members = forms.ModelMultipleChoiceField(label=_("Members visited"), queryset=Member.objects.none(),
                                             widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members


class CareListForm(forms.Form):
    """The festival and year of the care list."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    occasion = forms.ChoiceField(label=_("Festival"), choices=[(c, Occasion(c).label) for c in FESTIVALS])
