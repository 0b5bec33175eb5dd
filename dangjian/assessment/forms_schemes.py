"""Forms of the scheme pages: copy, the draft's header, and its criteria, grades and steps."""
from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.choices import UnitKind

from .choices import EvidenceKind, Performer
from .indicators import indicator_choices


class CopyForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Defined by"), queryset=None, empty_label=None,
                                   help_text=_("The organization whose scheme the copy becomes."))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda o: o.display_name


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    unit_kinds = forms.MultipleChoiceField(label=_("For unit kinds"), choices=UnitKind.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Leave all unticked to rate organizations of any kind."))
    veto_grade = forms.ChoiceField(label=_("Grade when vetoed"), required=False,
                                   help_text=_("The grade an organization gets when it fails a veto item."))

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["veto_grade"].choices = [("", _("None (veto items only flagged)"))] + [
            (g.code, g.name) for g in grades]


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("What is checked"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    is_veto = forms.BooleanField(label=_("Veto item (一票否决)"), required=False,
                                 help_text=_("Failing it cancels the rating; it carries no points."))
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2, required=False, initial=1,
                                help_text=_("A star counts 1; tiering items carry their weight."))
    evidence = forms.ChoiceField(label=_("Evidence"), choices=EvidenceKind.choices, initial=EvidenceKind.NONE)
    indicator = forms.ChoiceField(label=_("Measured by"), required=False,
                                  help_text=_("An indicator computed from records; leave empty when reviewers judge."))
    threshold = forms.DecimalField(label=_("Threshold"), max_digits=10, decimal_places=4, required=False,
                                   help_text=_("For a rate, a fraction such as 0.9 (90%); for hours, the hours."))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("Not measured"))] + indicator_choices()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data.pop("order", None)
        if data.get("points") is None:
            data["points"] = 0
        return data


class GradeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=30)
    min_points = forms.DecimalField(label=_("Points needed"), max_digits=7, decimal_places=2, min_value=0)
    rank = forms.IntegerField(label=_("Rank"), min_value=1, max_value=99, help_text=_("Higher is better."))


class StepForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=50)
    performer = forms.ChoiceField(label=_("Performed by"), choices=Performer.choices)
    notice_days = forms.IntegerField(label=_("Public notice days"), min_value=1, max_value=90, required=False,
                                     help_text=_("For a public notice: days it stays up before the next step."))
    order = forms.IntegerField(label=_("Position"), min_value=1, max_value=99, required=False,
                               help_text=_("1 for the first step; empty to keep it (or put a new step last)."))

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["order"] = data["order"] - 1 if data.get("order") else None
        return data
