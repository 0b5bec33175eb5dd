"""Forms of recruitment: one per real-world event. They parse input; the services decide."""
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.forms import DATE, OrgChoiceField
from dangjian.organizations.models import Organization

from .choices import CONTACT_STEPS, TRAINING, ContactRole, NoticeOutcome
from .models import Applicant


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organization.display_name}）" if obj.organization_id else obj.name


class ApplicantForm(forms.ModelForm):
    """A person's application (申请入党): their data, entered once, and the day the letter came in.

    When correcting, the protected fields start empty and keep their value unless something new
    is typed: the form never shows an ID number, phone or address in full.
    """

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Home address"), max_length=200, required=False)
    applied_on = forms.DateField(label=_("Application received on"), initial=timezone.localdate, widget=DATE,
                                 help_text=_("The day the branch received the application letter (step 1)."))
    actors = forms.CharField(label=_("Received by"), max_length=200, required=False)

    class Meta:
        model = Applicant
        fields = ["name", "gender", "ethnicity", "birth_date", "education", "category", "work_unit", "job"]
        widgets = {"birth_date": DATE}

    field_order = ["name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address", "education", "category",
                   "work_unit", "job", "applied_on", "actors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk:
            del self.fields["applied_on"], self.fields["actors"]
            for name in ("id_number", "phone", "address"):
                field = self.fields[name]
                field.required = False
                masked = getattr(self.instance, f"{name}_masked")
                field.help_text = _("Now %(masked)s. Leave empty to keep it.") % {"masked": masked or "—"}
            self.initial.update({name: "" for name in ("id_number", "phone", "address")})

    def _post_clean(self):
        # The services write the model and check the data; skip ModelForm's own construction.
        pass


def branch_contacts(applicant: Applicant, role: str):
    """Whom to offer as mentors or sponsors: full members of the branch, and those named now."""
    named = applicant.contacts.filter(role=role, ended_on__isnull=True).values("member")
    return (Member.objects.without_protected().select_related("organization")
            .filter(Q(organization=applicant.organization, status=MemberStatus.FULL) | Q(pk__in=named))
            .order_by("name_pinyin"))


class StepForm(forms.Form):
    """Record one step: its date, who took part, and what the step needs (the organization above,
    the training's hours, the mentors or sponsors)."""

    done_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    actors = forms.CharField(label=_("Who took part"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Who talked, who attended, who decided."))
    approving_organization = OrgChoiceField(label=_("Organization above"), queryset=Organization.objects.none(),
                                            required=False)
    hours = forms.DecimalField(label=_("Training hours"), min_value=0, max_value=999, decimal_places=1, required=False)
    training_days = forms.IntegerField(label=_("Training days"), min_value=0, max_value=365, required=False)
    contacts = MemberChoiceField(label=_("Members"), queryset=Member.objects.none(), required=False,
                                 widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, applicant: Applicant, step, pipeline, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step.upper_org:
            allowed = pipeline.value("approving_org_types") if step.approval else None
            above = Organization.objects.get_ancestors(applicant.organization).filter(status="active")
            if allowed:
                above = above.filter(org_type__in=allowed)
            self.fields["approving_organization"].queryset = above
            self.fields["approving_organization"].required = True
            nearest = above.order_by("-depth").first()
            if nearest is not None:
                self.fields["approving_organization"].initial = nearest.pk
            if step.approval:
                self.fields["approving_organization"].help_text = _(
                    "Only organizations of a type allowed to approve are offered (a general branch cannot approve).")
        else:
            del self.fields["approving_organization"]
        if step.code == TRAINING:
            self.fields["hours"].help_text = _("At least %(hours)s study hours or %(days)s days.") % {
                "hours": pipeline.value("training_min_hours"), "days": pipeline.value("training_min_days")}
        else:
            del self.fields["hours"], self.fields["training_days"]
        role = CONTACT_STEPS.get(step.code)
        if role:
            field = self.fields["contacts"]
            field.queryset = branch_contacts(applicant, role)
            field.initial = list(applicant.contacts.filter(role=role, ended_on__isnull=True).values_list("member",
                                                                                                         flat=True))
            if role == ContactRole.MENTOR:
                field.label = _("Mentors")
                field.help_text = _("%(min)s to %(max)s full members of the branch.") % {
                    "min": pipeline.value("mentors_min"), "max": pipeline.value("mentors_max")}
            else:
                field.label = _("Sponsors")
                field.help_text = _("%(n)s full members, not on probation within the Party.") % {
                    "n": pipeline.value("sponsors")}
        else:
            del self.fields["contacts"]


class CorrectForm(forms.Form):
    done_on = forms.DateField(label=_("Correct date"), widget=DATE)
    reason = forms.CharField(label=_("Why is it corrected?"), max_length=300)


class DocumentForm(forms.Form):
    step_number = forms.TypedChoiceField(label=_("Step"), coerce=int, choices=())
    title = forms.CharField(label=_("Title"), max_length=100, required=False,
                            help_text=_("For example: application letter, thought report for the second quarter."))
    file = forms.FileField(label=_("File"), help_text=_("Photos, PDF, Word, Excel or text, at most 10 MB."))

    def __init__(self, *args, pipeline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step_number"].choices = [(n, f"{n}. {s.title}") for n, s in pipeline.steps.items()]


class ContactForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices)
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    started_on = forms.DateField(label=_("From"), initial=timezone.localdate, widget=DATE)

    def __init__(self, *args, applicant: Applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (Member.objects.without_protected()
                                          .filter(organization=applicant.organization, status=MemberStatus.FULL)
                                          .order_by("name_pinyin"))


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), initial=timezone.localdate, widget=DATE)


class NoticeStartForm(forms.Form):
    before_step = forms.TypedChoiceField(label=_("Before step"), coerce=int, choices=())
    starts_on = forms.DateField(label=_("Begins on"), initial=timezone.localdate, widget=DATE,
                                help_text=_("The end is counted in working days on the official calendar."))

    def __init__(self, *args, pipeline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["before_step"].choices = [
            (n, _("%(title)s: %(days)s working days before step %(n)s") % {"title": rule.title, "days": rule.working_days,
                                                                             "n": n})
            for n, rule in pipeline.notices.items()]


class NoticeCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect,
                                choices=[c for c in NoticeOutcome.choices if c[0] != NoticeOutcome.PENDING])
    closed_on = forms.DateField(label=_("Closed on"), initial=timezone.localdate, widget=DATE)
    objections = forms.CharField(label=_("Objections"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("What was raised, and how it is being looked into."))


class ExtendForm(forms.Form):
    months = forms.IntegerField(label=_("Extend by (months)"), min_value=1, max_value=24)
    decided_on = forms.DateField(label=_("Decided by the branch general meeting on"), initial=timezone.localdate,
                                 widget=DATE)
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CancelProbationForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), initial=timezone.localdate, widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
