"""Forms of transfers and of the mobile-member register: one form per real-world event.

The forms only parse input; the services decide (and say what is wrong, next to the field).
"""
import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import MonthField
from dangjian.members.choices import Category, Education, Ethnicity, Gender, MemberStatus
from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.forms import DATE, OrgChoiceField
from dangjian.organizations.models import Organization

from .choices import ActivityKind, TransferKind, TransferReason
from .mobile import TEMPORARY_BRANCH_NOT_UNDER
from .models import MobileMember

# At most this many destinations are listed at once; a search narrows the list.
DESTINATION_CHOICES_SHOWN = 300




def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def destinations():
    """Organizations that can receive a member's relation: active ones holding members."""
    return Organization.objects.filter(status=OrgStatus.ACTIVE).exclude(org_type=OrgType.PARTY_GROUP)


class TransferSendForm(forms.Form):
    """Issue a transfer letter (开具组织关系介绍信)."""

    kind = forms.ChoiceField(label=_("Where to"), choices=[c for c in TransferKind.choices if c[0] != TransferKind.INCOMING],
                             initial=TransferKind.WITHIN, widget=forms.RadioSelect)
    to_organization = OrgChoiceField(
        label=_("Receiving organization"), queryset=Organization.objects.none(), required=False,
        help_text=_("For a transfer within the platform. Type part of the name above the list to find it."))
    destination = forms.CharField(
        label=_("Organization elsewhere"), max_length=200, required=False,
        help_text=_("For a letter to an organization outside the platform: its full name, as on the letter."))
    reason = forms.ChoiceField(label=_("Reason"), choices=TransferReason.choices)
    reason_note = forms.CharField(label=_("Details of the reason"), max_length=200, required=False,
                                  help_text=_("The new employer or address, or the reason if “Other”."))
    dues_paid_until = MonthField(label=_("Dues paid up to"),
                                 help_text=_("The month up to which the member has paid dues; it is printed on the letter."))
    sent_on = forms.DateField(label=_("Letter issued on"), initial=timezone.localdate, widget=DATE)

    def __init__(self, *args, member, search: str = "", **kwargs):
        from dangjian.dues.selectors import paid_up_to

        super().__init__(*args, **kwargs)
        # The dues records say how far the member has paid; the sender only corrects it.
        self.fields["dues_paid_until"].initial = paid_up_to(member) or last_month()
        field = self.fields["to_organization"]
        field.queryset = destinations().exclude(pk=member.organization_id)
        # Show a searchable part of the list; validation still accepts any organization that can receive.
        shown = field.queryset
        if search:
            shown = shown.filter(Q(name__contains=search) | Q(short_name__contains=search) | Q(code__iexact=search))
        options = list(shown.only("pk", "name", "depth").order_by("path")[:DESTINATION_CHOICES_SHOWN])
        selected = self.data.get("to_organization") or self.initial.get("to_organization")
        if selected and str(selected).isdigit() and all(str(o.pk) != str(selected) for o in options):
            options += list(field.queryset.filter(pk=selected).only("pk", "name", "depth"))
        field.widget.choices = [("", "---------")] + [(o.pk, field.label_from_instance(o)) for o in options]


class ReceiveForm(forms.Form):
    on = forms.DateField(label=_("Received on"), initial=timezone.localdate, widget=DATE,
                         help_text=_("From this day the member belongs to your organization."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnSlipForm(forms.Form):
    returned_on = forms.DateField(label=_("Return slip received on"), initial=timezone.localdate, widget=DATE,
                                  help_text=_("From this day the member is transferred out and off the roll."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReissueForm(forms.Form):
    sent_on = forms.DateField(label=_("New letter issued on"), initial=timezone.localdate, widget=DATE)
    dues_paid_until = MonthField(label=_("Dues paid up to"), required=False,
                                 help_text=_("Leave empty to keep the month of the old letter."))


class ReceiveFromOutsideForm(forms.Form):
    """A member arriving with a letter from an organization elsewhere (转入): the letter and the
    member's register entry in one form."""

    organization = OrgChoiceField(label=_("Receiving organization"), queryset=Organization.objects.none())
    origin = forms.CharField(label=_("Issued by"), max_length=200,
                             help_text=_("The organization that issued the letter, as on the letter."))
    letter_number = forms.CharField(label=_("Letter number"), max_length=64)
    sent_on = forms.DateField(label=_("Letter issued on"), widget=DATE)
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate, widget=DATE)
    dues_paid_until = MonthField(label=_("Dues paid up to"))
    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    ethnicity = forms.ChoiceField(label=_("Ethnic group"), choices=Ethnicity.choices, initial=Ethnicity.HAN)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    id_number = forms.CharField(label=_("ID number"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Home address"), max_length=200, required=False)
    education = forms.ChoiceField(label=_("Education"), choices=[("", "---------"), *Education.choices], required=False)
    status = forms.ChoiceField(label=_("Standing"), choices=[(MemberStatus.FULL, MemberStatus.FULL.label),
                                                             (MemberStatus.PROBATIONARY, MemberStatus.PROBATIONARY.label)])
    joined_on = forms.DateField(label=_("Joined the Party on"), widget=DATE)
    full_member_on = forms.DateField(label=_("Full member since"), widget=DATE, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    work_unit = forms.CharField(label=_("Work unit"), max_length=100, required=False)
    job = forms.CharField(label=_("Job"), max_length=50, required=False)

    LETTER_FIELDS = ("organization", "origin", "letter_number", "sent_on", "received_on", "dues_paid_until")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (Organization.objects.restrict(user, "add")
                                                .filter(status=OrgStatus.ACTIVE).exclude(org_type=OrgType.PARTY_GROUP))

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        letter = {k: data.pop(k) for k in self.LETTER_FIELDS}
        return {**letter, "member_data": data}


class MobileRegisterForm(forms.Form):
    """Register a member as away (流动党员登记)."""

    destination = forms.CharField(label=_("Where"), max_length=200,
                                  help_text=_("Province, city and district."))
    work = forms.CharField(label=_("Work or study there"), max_length=200, required=False)
    left_on = forms.DateField(label=_("Left on"), initial=timezone.localdate, widget=DATE)
    expected_return_on = forms.DateField(label=_("Expected back on"), widget=DATE, required=False)
    transfer_impossible = forms.BooleanField(
        label=_("The relation cannot be transferred"), required=False,
        help_text=_("Tick when there is no fixed place or no Party organization there to take the relation."))
    contact_organization = OrgChoiceField(label=_("Takes part in"), queryset=Organization.objects.none(),
                                          required=False,
                                          help_text=_("A branch or temporary branch where the member joins meetings while away."))
    contact_person = forms.CharField(label=_("Contact person there"), max_length=50, required=False)
    certificate_number = forms.CharField(label=_("Activity certificate number"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contact_organization"]
        field.queryset = destinations()
        # Listed: temporary branches anywhere and the organizations in view; any active one is accepted.
        shown = list(destinations().filter(Q(org_type=OrgType.TEMPORARY_BRANCH) | Q(pk__in=Organization.objects.restrict(
            user, "view").values("pk"))).only("pk", "name", "depth").order_by("path")[:DESTINATION_CHOICES_SHOWN])
        field.widget.choices = [("", "---------")] + [(o.pk, field.label_from_instance(o)) for o in shown]


class MobileReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MobileActivityForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, decimal_places=1, initial=0, required=False,
                               help_text=_("Study hours are credited to the member's study record."))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("What was done"), max_length=300)

    def clean_hours(self):
        return self.cleaned_data.get("hours") or 0


class TemporaryBranchForm(forms.Form):
    """Set up a temporary branch (临时党支部) for mobile members in one place."""

    parent = OrgChoiceField(label=_("Under"), queryset=Organization.objects.none(),
                            help_text=_("The organization the temporary branch reports to."))
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_(
        "Say where and for whom, e.g. the community and the city the members work in."))
    mobile_members = forms.ModelMultipleChoiceField(
        label=_("Mobile members"), queryset=MobileMember.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Members away in the same place; they take part in the new branch, their relations stay home."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (Organization.objects.restrict(user, "add").filter(status=OrgStatus.ACTIVE)
                                          .exclude(org_type__in=TEMPORARY_BRANCH_NOT_UNDER).order_by("path"))
        field = self.fields["mobile_members"]
        field.queryset = (MobileMember.objects.restrict(user, "change").active().select_related("member")
                          .order_by("destination", "member__name_pinyin"))
        field.label_from_instance = lambda r: f"{r.member.name}（{r.destination}）"
