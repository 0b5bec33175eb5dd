"""Forms of the affair admission pages: a request, a move on it, a procedure copy and its links."""
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import DATE_INPUT, OrganizationChoiceField
from dangjian.organizations.choices import OrgStatus, UnitKind
from dangjian.organizations.models import Organization

from .choices import NOT_AREA_TYPES, LinkKind


def communities_under(authorities):
    """Active community organizations under any of ``authorities`` (the communities a task may fall on)."""
    q = Q(pk__in=[])
    for path in {a.path for a in authorities}:
        q |= Q(path__startswith=path)
    return (Organization.objects.filter(q, unit_kind=UnitKind.COMMUNITY, status=OrgStatus.ACTIVE)
            .exclude(org_type__in=NOT_AREA_TYPES).order_by("path"))


class AdmissionForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Admission authority"), queryset=None, empty_label=None)
    department = forms.CharField(label=_("Requesting department"), max_length=100)
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Office phone"), max_length=30, required=False)
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(label=_("What communities would do"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("The law, regulation or rule that gives the task to communities."))
    resources = forms.CharField(label=_("Staff and resources offered"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("What moves with the task (费随事转): staff, equipment, training."))
    funding = forms.DecimalField(label=_("Funding offered (yuan)"), max_digits=12, decimal_places=2, min_value=0,
                                 initial=0)
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT,
                              help_text=_("Leave empty for a standing task."))
    communities = forms.ModelMultipleChoiceField(label=_("Communities concerned"), queryset=None, required=False,
                                                 widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                                 help_text=_("None ticked: every community under the authority."))

    def __init__(self, *args, authorities, fixed_authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = authorities
        if fixed_authority is not None:
            field.disabled = True
            field.initial = fixed_authority.pk
        self.fields["communities"].queryset = communities_under([fixed_authority] if fixed_authority else authorities)
        self.fields["communities"].label_from_instance = lambda o: o.display_name

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organization", None)
        return data


class ActForm(forms.Form):
    """A move on a request; the comment is the return note or the reasons for the decision."""

    action = forms.CharField(max_length=16)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ProcedureCopyForm(forms.Form):
    organization = OrganizationChoiceField(label=_("For organization"), queryset=None, empty_label=None,
                                          help_text=_("The organization whose procedure the copy becomes."))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = owners


class LinkForm(forms.Form):
    step = forms.IntegerField(label=_("Step"), min_value=1, max_value=20)
    step_name = forms.CharField(label=_("Step name"), max_length=50)
    name = forms.CharField(label=_("Link"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=LinkKind.choices, initial=LinkKind.CHECK)
    days = forms.IntegerField(label=_("Working days allowed"), min_value=1, max_value=365, required=False)
    guidance = forms.CharField(label=_("What is checked"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BaseLinkFormSet(forms.BaseFormSet):
    def links(self) -> list[dict]:
        """The links kept, in the order given: every existing link, changed or not, unless ticked
        for deletion, then the extra rows that were filled in (empty extra rows dropped)."""
        kept = []
        initial = self.initial_form_count()
        for i, form in enumerate(self.forms):
            if i >= initial and not form.has_changed():
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            kept.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        return kept


LinkFormSet = forms.formset_factory(LinkForm, formset=BaseLinkFormSet, extra=2, can_delete=True, max_num=40,
                                    validate_max=True)
