"""Forms for the roster pages; they parse input, :func:`member_check` and the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.forms import DATE, OrgChoiceField
from dangjian.organizations.models import Organization

from .choices import MemberStatus
from .models import PROTECTED_FIELDS, Member
from .services import member_check


class MemberForm(forms.ModelForm):
    """Add a member, or correct a member's register entry.

    When editing, the protected fields start empty and keep their value unless something new
    is typed: the form never shows an ID number, phone or address in full.
    """

    id_number = forms.CharField(label=_("ID number"), max_length=18, required=True)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Home address"), max_length=200, required=False)
    organization = OrgChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    party_group = OrgChoiceField(label=_("Party group"), queryset=Organization.objects.none(), required=False)

    class Meta:
        model = Member
        # The protected fields are declared above, outside the model form, so that the instance's
        # encrypted values are never read into the form.
        fields = [
            "name", "gender", "ethnicity", "birth_date", "education", "joined_on", "full_member_on", "status",
            "category", "organization", "party_group", "work_unit", "job",
        ]
        widgets = {"birth_date": DATE, "joined_on": DATE, "full_member_on": DATE}

    field_order = [
        "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address", "education", "joined_on",
        "full_member_on", "status", "category", "organization", "party_group", "work_unit", "job",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        holders = Organization.objects.restrict(user, "add").filter(status=OrgStatus.ACTIVE).exclude(
            org_type=OrgType.PARTY_GROUP)
        self.fields["organization"].queryset = holders
        self.fields["party_group"].queryset = Organization.objects.restrict(user, "view").filter(
            org_type=OrgType.PARTY_GROUP, status=OrgStatus.ACTIVE)
        if editing:
            # Moving to another organization is its own action (member_move).
            del self.fields["organization"]
            for name in PROTECTED_FIELDS:
                field = self.fields[name]
                field.required = False
                field.initial = ""
                masked = getattr(self.instance, f"{name}_masked")
                field.help_text = _("Now %(masked)s. Leave empty to keep it.") % {"masked": masked or "—"}
            self.initial.update({name: "" for name in PROTECTED_FIELDS})
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        # The register corrects probationary or full standing; every other change (lost contact,
        # suspension, the ways membership ends) is a transition with its own procedure and log.
        keep = {MemberStatus.PROBATIONARY, MemberStatus.FULL} | ({self.instance.status} if editing else set())
        self.fields["status"].choices = [(v, label) for v, label in MemberStatus.choices if v in keep]

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            for name in PROTECTED_FIELDS:
                if not data.get(name):
                    data.pop(name, None)
            merged = {f: getattr(self.instance, f) for f in self.Meta.fields if f != "organization"}
            merged["organization"] = self.instance.organization
            merged.update(data)
        else:
            merged = data
        for field, message in member_check(merged, instance=self.instance if self.instance.pk else None).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
            elif field not in self.fields:
                self.add_error(None, message)
        return data

    def _post_clean(self):
        # The services write the model; skip ModelForm's own instance validation and construction.
        pass


class MoveForm(forms.Form):
    organization = OrgChoiceField(label=_("New organization"), queryset=Organization.objects.none())
    on = forms.DateField(label=_("Effective on"), initial=timezone.localdate, widget=DATE)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.restrict(user, "add").filter(status=OrgStatus.ACTIVE)
            .exclude(org_type=OrgType.PARTY_GROUP).exclude(pk=member.organization_id)
        )


class DutyPostForm(forms.Form):
    title = forms.CharField(label=_("Duty"), max_length=100)
    description = forms.CharField(label=_("Responsibilities"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_model_post = forms.BooleanField(label=_("Model post"), required=False)
    started_on = forms.DateField(label=_("From"), initial=timezone.localdate, widget=DATE)


class PledgeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    content = forms.CharField(label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 3}))
