"""Forms of the notices pages; they parse input, the services decide."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.forms import OrgChoiceField
from dangjian.organizations.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ATTACHMENT = 20 * 1024 * 1024
# Kinds of notice attachments (documents, slides, photos), checked by their first bytes.
NOTICE_ATTACHMENT_TYPES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg",
                                     ".png", ".txt"})


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * (obj.depth - 1)}{obj.name}"


class _TargetedForm(forms.Form):
    organization = OrgChoiceField(label=_("Issuing organization"), queryset=Organization.objects.none())
    to_subtree = forms.BooleanField(label=_("Send to every organization below"), required=False)
    targets = OrgMultipleChoiceField(
        label=_("Send to"), required=False, queryset=Organization.objects.none(),
        help_text=_("Organizations below the issuing organization; not needed when sending to every one below."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        issuers = (Organization.objects.restrict(user, "add").filter(status=OrgStatus.ACTIVE)
                   .exclude(org_type=OrgType.PARTY_GROUP))
        self.fields["organization"].queryset = issuers
        self.fields["targets"].queryset = issuers.filter(depth__gt=1)
        first = issuers.order_by("depth", "path").first()
        if first is not None:
            self.fields["organization"].initial = first.pk


class NoticeForm(_TargetedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    field_order = ["organization", "title", "body", "to_subtree", "targets", "attachment"]

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f and f.size > MAX_ATTACHMENT:
            raise forms.ValidationError(_("The attachment is larger than 20 MB."))
        if f:  # documents and photos only, each what its name says; photos without EXIF
            from django.core.exceptions import ValidationError

            from dangjian.core.uploads import clean_upload

            try:
                f = clean_upload(f, field="attachment", types=NOTICE_ATTACHMENT_TYPES, max_bytes=MAX_ATTACHMENT)
            except ValidationError as exc:
                raise forms.ValidationError(exc.error_dict["attachment"]) from None
        return f


class AssignmentForm(_TargetedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 6}))
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    field_order = ["organization", "title", "description", "due_on", "to_subtree", "targets"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=14)


class ReportForm(forms.Form):
    organization = OrgChoiceField(label=_("Reporting organization"), queryset=Organization.objects.none())
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk
