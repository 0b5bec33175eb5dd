"""Forms of the follow-up pages: rectification tasks and work-report reviews. The services decide."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.uploads import EVIDENCE_ACCEPT
from dangjian.organizations.models import Organization

from .choices import RectificationAction, ReportGrade

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, org):
        return org.name


class IndentedOrganizations(forms.ModelMultipleChoiceField):
    """Organizations as check boxes, indented below the one running the round."""

    def __init__(self, *args, top_depth=0, **kwargs):
        self.top_depth = top_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, org):
        return "　" * max(org.depth - self.top_depth - 1, 0) + org.name


class RectificationForm(forms.Form):
    """A task opened by hand: an inspection found a problem in an organization."""

    organization = OrganizationChoice(label=_("Organization with the shortfall"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Shortfall"), max_length=200)
    description = forms.CharField(label=_("What to put right"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE,
                               help_text=_("Leave empty for the period the rules give."))
    owner = forms.ModelChoiceField(label=_("Responsible"), queryset=None, required=False,
                                   empty_label=_("The organization's secretaries"))

    def __init__(self, *args, organizations, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class RectificationStepForm(forms.Form):
    """One step on a task: submit the closing evidence, accept it, or return it."""

    action = forms.ChoiceField(choices=RectificationAction.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence (PDF, Word, Excel or a photo, at most 10 MB)"), required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}))

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        if action:
            self.fields["action"].initial = action
            if action == RectificationAction.SUBMIT:
                self.fields["note"].label = _("What was done")
                self.fields["note"].required = True
            elif action == RectificationAction.RETURN:
                self.fields["note"].label = _("Why it is returned")
                self.fields["note"].required = True
            if action != RectificationAction.SUBMIT:
                del self.fields["evidence"]


class ReviewRoundForm(forms.Form):
    """Open a round of work reports (述职评议) for organizations under the one running it."""

    title = forms.CharField(label=_("Title"), max_length=100)
    year = forms.IntegerField(label=_("Year"))
    rate_until = forms.DateField(label=_("Ratings close on"), widget=DATE)
    organizations = IndentedOrganizations(label=_("Organizations that report"), queryset=Organization.objects.none(),
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))

    def __init__(self, *args, running, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        year = today.year if today.month >= 7 else today.year - 1
        self.fields["year"].initial = year
        self.fields["title"].initial = _("%(year)d work reports of the secretaries of %(org)s") % {
            "year": year, "org": running.display_name}
        self.fields["rate_until"].initial = today + datetime.timedelta(days=14)
        field = self.fields["organizations"]
        field.queryset, field.top_depth = candidates, running.depth
        field.initial = [o.pk for o in candidates if o.depth == running.depth + 1]


class WorkReportForm(forms.Form):
    text = forms.CharField(label=_("Report"), required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("At least 50 characters, or attach the report as a file."))
    file = forms.FileField(label=_("Report file (PDF, Word; at most 10 MB)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}))


class RatingForm(forms.Form):
    grade = forms.ChoiceField(label=_("Your rating"), choices=ReportGrade.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
