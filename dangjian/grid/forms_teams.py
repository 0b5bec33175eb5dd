"""Forms of service teams, team members and request categories; the services decide."""
import json

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Organization

from .choices import TeamLevel, TeamUnitKind, Urgency
from .models import RequestCategory


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, org):
        return org.name


class TeamForm(forms.Form):
    """Set up or change a service team (组建服务团队)."""

    organization = OrganizationChoice(label=_("Organization"), queryset=Organization.objects.none(),
                                      help_text=_("The community's or the sub-district's organization."))
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=TeamLevel.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    categories = forms.ModelMultipleChoiceField(
        label=_("Responsible for"), required=False, queryset=RequestCategory.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Requests of these categories are dispatched to this team."))
    is_default = forms.BooleanField(label=_("Default owner"), required=False, help_text=_(
        "Takes requests of categories no other team covers, and those sent back too often."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organizations, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if not editing:
            del self.fields["active"]


class UserByUsernameField(forms.CharField):
    """A user account named by its username (empty: none)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return get_user_model().objects.get(username=value)
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(_("No user account has this username.")) from None


class TeamMemberForm(forms.Form):
    """A member of a service team (团队成员)."""

    name = forms.CharField(label=_("Name"), max_length=50)
    unit_kind = forms.ChoiceField(label=_("From"), choices=TeamUnitKind.choices)
    unit_name = forms.CharField(label=_("Unit"), max_length=100, required=False,
                                help_text=_("For example 江滨派出所."))
    duty = forms.CharField(label=_("Duty"), max_length=100, required=False)
    is_leader = forms.BooleanField(label=_("Team leader"), required=False)
    user = UserByUsernameField(label=_("User account (username)"), required=False, max_length=150, help_text=_(
        "Optional. With an account the member sees and handles the team's requests."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True, help_text=_(
        "Untick when the member leaves the team: their account no longer reaches its requests."))

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["active"]


class AttributesField(forms.CharField):
    """Open311 attribute definitions as JSON text (checked by the service)."""

    widget = forms.Textarea(attrs={"rows": 8, "class": "font-monospace", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value or not value.strip():
            return []
        try:
            return json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None


class CategoryForm(forms.Form):
    """A request category (诉求类别), published as an Open311 service."""

    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_(
        "The Open311 service code: letters, digits, - and _. It cannot change later."))
    name = forms.CharField(label=_("Name"), max_length=100)
    group = forms.CharField(label=_("Group"), max_length=50, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    keywords = forms.CharField(label=_("Keywords"), max_length=200, required=False, help_text=_("Comma separated."))
    default_urgency = forms.ChoiceField(label=_("Default urgency"), choices=Urgency.choices, initial=Urgency.GENERAL)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    public_description = forms.BooleanField(
        label=_("Publish what residents wrote"), required=False, initial=True,
        help_text=_("Untick where a description may point to a vulnerable person: the public Open311 search then "
                    "shows the category and the building only."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True,
                                help_text=_("Untick to stop taking new requests of this category."))
    attributes = AttributesField(label=_("Questions asked when filing (Open311 attributes, JSON)"), required=False,
                                 help_text=_('A list such as [{"code": "floor", "datatype": "number", '
                                             '"required": false, "description": "哪一层？", "order": 1}].'))

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
