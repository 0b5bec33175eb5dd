"""Forms of the assessment cycle pages: opening a cycle, recording and reviewing a criterion,
adding evidence and moving an assessment through its review steps."""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.core.uploads import EVIDENCE_ACCEPT

from .choices import AssessmentAction, EvidenceKind, SchemeStatus, Verdict
from .models import Scheme
from .selectors_cycles import eligible_organizations, run_by_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The one input takes a photo (any image a phone's camera gives) or a file.
FILE_ACCEPT = f"image/*,{EVIDENCE_ACCEPT}"
FILE_WIDGET = forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT})
REFRESH = {"hx-get": "", "hx-include": "closest form", "hx-target": "#org-choices", "hx-select": "#org-choices",
           "hx-swap": "outerHTML", "hx-trigger": "change"}


def default_name(scheme, year) -> str:
    if scheme is None or not year:
        return ""
    return gettext("%(year)d %(scheme)s") % {"year": int(year), "scheme": scheme.name}


class CycleOpenForm(forms.Form):
    """Open a cycle: a published scheme, the organization running it, the period and the organizations
    rated (those under it of the scheme's unit kinds; the list follows the chosen scheme and organization)."""

    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none(),
                                    widget=forms.Select(attrs=REFRESH))
    organization = forms.ModelChoiceField(label=_("Run by"), queryset=None, widget=forms.Select(attrs=REFRESH),
                                          help_text=_("The organization that runs the cycle and approves the results."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=pgettext_lazy("cycle", "Name"), max_length=100, required=False,
                           help_text=_("Leave empty for the year and the scheme's name."))
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations rated"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Organizations under the one running the cycle, of the kinds the scheme rates."))

    def __init__(self, *args, user, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["scheme"].queryset = (Scheme.objects.restrict(user, "view")
                                          .filter(status=SchemeStatus.PUBLISHED).order_by("kind", "code", "-version"))
        self.fields["organization"].queryset = run_by_choices(user)
        source = self.data if self.is_bound else (initial_values or {})
        self.scheme_obj = self._chosen(self.fields["scheme"].queryset, source.get("scheme"))
        self.run_by = self._chosen(self.fields["organization"].queryset, source.get("organization"))
        if self.run_by is None and not self.is_bound:
            self.run_by = self.fields["organization"].queryset.first()
        year = source.get("year")
        year = int(year) if str(year or "").isdigit() else today.year
        self.fields["year"].initial = year
        self.fields["period_start"].initial = datetime.date(year, 1, 1)
        self.fields["period_end"].initial = datetime.date(year, 12, 31)
        if self.scheme_obj is not None:
            self.fields["scheme"].initial = self.scheme_obj.pk
            self.fields["name"].initial = default_name(self.scheme_obj, year)
        if self.run_by is not None:
            self.fields["organization"].initial = self.run_by.pk
        self.eligible = (eligible_organizations(self.run_by, self.scheme_obj)
                         if self.run_by is not None and self.scheme_obj is not None else [])
        self.fields["organizations"].queryset = self.fields["organization"].queryset.model.objects.filter(
            pk__in=[o.pk for o in self.eligible])
        if not self.is_bound:
            self.fields["organizations"].initial = [o.pk for o in self.eligible]

    @staticmethod
    def _chosen(queryset, value):
        if not str(value or "").isdigit():
            return None
        return queryset.filter(pk=value).first()

    def clean(self):
        data = super().clean()
        if not data.get("name") and data.get("scheme") and data.get("year"):
            data["name"] = default_name(data["scheme"], data["year"])
        if "organizations" in data and not data["organizations"]:
            self.add_error("organizations", _("Choose at least one organization to rate."))
        return data

    def checkbox_rows(self):
        """The eligible organizations with whether each is ticked (for the checkbox list)."""
        if self.is_bound:
            ticked = {str(v) for v in self.data.getlist("organizations")} if hasattr(self.data, "getlist") else set()
        else:
            ticked = {str(v) for v in self.fields["organizations"].initial or []}
        return [(org, str(org.pk) in ticked) for org in self.eligible]


class ResultRecordForm(forms.Form):
    """The assessed side's own judgement of one criterion: met or not (a veto item: triggered or not)."""

    met = forms.TypedChoiceField(label=_("Result"), choices=[("1", _("Met")), ("0", _("Not met")), ("", _("Not decided"))],
                                 coerce=lambda v: v == "1", empty_value=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ResultReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=[(Verdict.ACCEPTED, Verdict.ACCEPTED.label),
                                                              (Verdict.REJECTED, Verdict.REJECTED.label)])
    note = forms.CharField(label=_("Reviewer's note"), max_length=500, required=False)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), widget=forms.RadioSelect,
                             choices=[(k, k.label) for k in (EvidenceKind.PHOTO, EvidenceKind.FILE, EvidenceKind.RECORD)])
    file = forms.FileField(label=_("Photo or file"), required=False, widget=FILE_WIDGET,
                           help_text=_("A photo, or a PDF, Word or Excel file of at most 10 MB."))
    record_url = forms.CharField(label=_("Record link"), max_length=300, required=False,
                                 help_text=_("A page of this platform, such as /orglife/meetings/12/."))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in (EvidenceKind.PHOTO, EvidenceKind.FILE) and not data.get("file"):
            self.add_error("file", _("Choose a photo or a file."))
        elif kind == EvidenceKind.RECORD and not data.get("record_url"):
            self.add_error("record_url", _("Enter the link to the record."))
        return data


class StepForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=AssessmentAction.choices)
    note = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == AssessmentAction.RETURN and not data.get("note"):
            raise ValidationError({"note": _("Say why it is returned.")})
        return data
