"""Forms of organizational life: one form per real-world event."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member
from dangjian.organizations.choices import OrgStatus
from dangjian.organizations.models import Organization

from .choices import AttendanceStatus, MeetingKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _next_weekday_morning():
    day = timezone.localdate() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(9, 0))


class MeetingPlanForm(forms.Form):
    """Plan one meeting; everyone who should attend is invited."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Time"), widget=DATETIME, initial=_next_weekday_morning)
    duration_hours = forms.DecimalField(label=_("Duration (hours)"), min_value=0, max_value=24, initial=2,
                                        decimal_places=1)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Held online"), required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    joint_organizations = forms.ModelMultipleChoiceField(
        label=_("Held jointly with"), required=False, queryset=Organization.objects.none(),
        help_text=_("Neighbouring organizations in your charge that hold this meeting together with this one."),
    )

    def __init__(self, *args, organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        parent_path = organization.path[:-Organization.steplen]
        self.fields["joint_organizations"].queryset = (
            Organization.objects.restrict(user, "add")
            .filter(status=OrgStatus.ACTIVE, depth=organization.depth, path__startswith=parent_path)
            .exclude(pk=organization.pk)
        )


class MeetingRecordForm(forms.Form):
    """Record a held meeting: minutes, host and recorder; attendance and resolutions come beside it."""

    host = forms.ModelChoiceField(label=_("Host"), queryset=Member.objects.none(), required=False)
    recorder = forms.ModelChoiceField(label=_("Recorder"), queryset=Member.objects.none(), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        invited = Member.objects.filter(attendances__meeting=meeting).without_protected()
        self.fields["host"].queryset = self.fields["recorder"].queryset = invited


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("Resolution"), max_length=500, required=False)
    votes_for = forms.IntegerField(label=_("For"), min_value=0, initial=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, initial=0, required=False)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0, required=False)


ResolutionFormSet = forms.formset_factory(ResolutionForm, extra=2, max_num=10)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=200)


class SignInForm(forms.Form):
    code = forms.CharField(label=_("Sign-in code"), max_length=6, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": "000000"}))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


ATTENDANCE_CHOICES = [(AttendanceStatus.PRESENT, _("Present")), (AttendanceStatus.LEAVE, _("On leave")),
                      (AttendanceStatus.ABSENT, _("Absent"))]


class CourseForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Published by"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    hours = forms.DecimalField(label=_("Study hours"), min_value=0, max_value=24, decimal_places=1, initial=1)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    material = forms.FileField(label=_("Material"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.restrict(user, "add").filter(
            status=OrgStatus.ACTIVE).exclude(org_type="party_group").order_by("path")[:300]


class StudyNoteForm(forms.Form):
    title = forms.CharField(label=_("What did you study?"), max_length=200)
    studied_on = forms.DateField(label=_("Studied on"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hours = forms.DecimalField(label=_("Hours of study"), min_value=0, max_value=24, decimal_places=1, initial=1)
    content = forms.CharField(label=_("What you learnt"), widget=forms.Textarea(attrs={"rows": 5}))


class NoteReviewForm(forms.Form):
    approve = forms.BooleanField(required=False)
    review_note = forms.CharField(label=_("Note"), max_length=200, required=False)


class HomeDeliveryForm(forms.Form):
    title = forms.CharField(label=_("What was studied"), max_length=200)
    on = forms.DateField(label=_("Date"), initial=timezone.localdate,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hours = forms.DecimalField(label=_("Hours of study"), min_value=0, max_value=24, decimal_places=1, initial=1)


class SelfReviewForm(forms.Form):
    self_review = forms.CharField(label=_("Self-review"), widget=forms.Textarea(attrs={"rows": 8}), help_text=_(
        "How you studied, kept your duties and served the residents this year, and what you will improve."))
