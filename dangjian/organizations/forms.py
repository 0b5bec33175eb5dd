"""Forms for the organization pages; they parse input, the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member

from .choices import OrgType
from .models import Organization, PostKind
from .services import EDITABLE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganizationForm(forms.ModelForm):
    """Create or edit an organization's attributes (not its place in the tree)."""

    class Meta:
        model = Organization
        fields = list(EDITABLE_FIELDS)
        widgets = {"established_on": DATE}

    def validate_unique(self):
        # The service checks the code and says so in its own words.
        pass


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * (obj.depth - 1)}{obj.name}"


class MoveForm(forms.Form):
    new_parent = OrgChoiceField(label=_("New superior organization"), queryset=Organization.objects.none())
    on = forms.DateField(label=_("Effective on"), initial=timezone.localdate, widget=DATE)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = targets


class MergeForm(forms.Form):
    target = OrgChoiceField(label=_("Merge into"), queryset=Organization.objects.none(),
                            help_text=_("Members and sub-organizations move to this organization."))
    on = forms.DateField(label=_("Effective on"), initial=timezone.localdate, widget=DATE)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class SplitForm(forms.Form):
    name = forms.CharField(label=_("Name of the new organization"), max_length=100)
    code = forms.CharField(label=_("Organization code"), max_length=32)
    org_type = forms.ChoiceField(label=_("Organization type"), choices=OrgType.choices)
    members = forms.ModelMultipleChoiceField(label=_("Members who move to it"), queryset=Member.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    on = forms.DateField(label=_("Effective on"), initial=timezone.localdate, widget=DATE)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = organization.members.on_roll().without_protected().order_by("name_pinyin")
        self.fields["org_type"].initial = organization.org_type


class DissolveForm(forms.Form):
    on = forms.DateField(label=_("Dissolved on"), initial=timezone.localdate, widget=DATE)


class PostAppointForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Post"), queryset=PostKind.objects.all())
    member = forms.ModelChoiceField(label=_("Holder"), queryset=Member.objects.none())
    term_start = forms.DateField(label=_("Term start"), initial=timezone.localdate, widget=DATE)
    term_end = forms.DateField(label=_("Term end"), required=False, widget=DATE,
                               help_text=_("Leave empty to use the term length of the rule pack."))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.on_roll().without_protected().filter(organization__in=organization.subtree().values("pk"))
            .order_by("name_pinyin")
        )


class PostEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Left the post on"), initial=timezone.localdate, widget=DATE)


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("As of"), required=False, widget=DATE)

