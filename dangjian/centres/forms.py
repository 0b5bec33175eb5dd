"""Forms of service centres: one per real-world event; the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Organization

from .choices import WEEKDAYS, CentreKind, Outcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CentreForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CentreKind.choices, widget=forms.RadioSelect)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200)
    phone = forms.CharField(label=_("Office phone"), max_length=30, required=False,
                            help_text=_("Shown to the public: the office line, never a personal number."))
    open_days = forms.TypedMultipleChoiceField(label=_("Open days"), choices=WEEKDAYS, coerce=int,
                                               widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    opens = forms.TimeField(label=_("Opens at"), widget=TIME)
    closes = forms.TimeField(label=_("Closes at"), widget=TIME)
    hours_note = forms.CharField(label=_("Note on opening hours"), max_length=200, required=False,
                                 help_text=_("For example: closed on public holidays."))
    coverage = forms.ModelMultipleChoiceField(label=_("Serves"), required=False, queryset=Organization.objects.none(),
                                              help_text=_("The communities and organizations this centre serves."))
    active = forms.BooleanField(label=_("Open to residents"), required=False, initial=True)

    def __init__(self, *args, organizations, coverage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["coverage"].queryset = coverage


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example: legal advice, job referral."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=480, initial=30)
    needs_booking = forms.BooleanField(label=_("Residents book a time"), required=False, initial=True)
    capacity = forms.IntegerField(label=_("People per slot"), min_value=1, max_value=100, initial=1)
    needs_phone = forms.BooleanField(label=_("Ask for a contact phone when booking"), required=False)
    active = forms.BooleanField(label=_("Offered"), required=False, initial=True)


class BookingForm(forms.Form):
    """A resident books a slot (phone-first: large radio choices)."""

    item = forms.ModelChoiceField(label=_("Service"), queryset=None, widget=forms.RadioSelect, empty_label=None)
    day = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TypedChoiceField(label=_("Time"), choices=(), widget=forms.RadioSelect, coerce=str)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False, help_text=_(
        "Only for services that need it: the centre may call you. Kept encrypted."))
    note = forms.CharField(label=_("What it is about (optional)"), max_length=200, required=False)

    def __init__(self, *args, items, times, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["start"].choices = [(t.strftime("%H:%M"), t.strftime("%H:%M")) for t in times]

    def clean_start(self):
        import datetime
        return datetime.datetime.strptime(self.cleaned_data["start"], "%H:%M").time()


class RecordForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Service"), queryset=None, required=False)
    served_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    handled_by = forms.CharField(label=_("Handled by"), max_length=100)
    summary = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect,
                                initial=Outcome.RESOLVED)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class RepresentativeDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    starts = forms.TimeField(label=_("From"), widget=TIME)
    ends = forms.TimeField(label=_("Until"), widget=TIME)
    delegate_name = forms.CharField(label=_("Representative"), max_length=50,
                                    help_text=_("Shown to the public."))
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)


class RepresentativeVisitForm(forms.Form):
    matter = forms.CharField(label=_("Matter raised"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Do not write the visitor's name or contact details."))
    response = forms.CharField(label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect,
                                initial=Outcome.PENDING)
