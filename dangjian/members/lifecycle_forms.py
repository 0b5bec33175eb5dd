"""Forms of the follow-up pages (duties, pledges, reserve cadres, lost contact, standing); they
parse input, the services decide."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.forms import DATE
from dangjian.organizations.models import PostKind

from .cadres import appointable_posts
from .choices import CadreGrade, MemberStatus, ReviewRating, SearchMethod
from .models import Member
from .standing import CHANGE_LABELS, allowed_changes

TEXT = forms.Textarea(attrs={"rows": 3})


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None and user.is_authenticated else ""


class ConfirmMixin(forms.Form):
    """A required tick that the decision was checked; not passed on to the service."""

    confirm = forms.BooleanField(label=_("I have checked the decision and the date"), required=True)

    def clean(self):
        data = super().clean()
        data.pop("confirm", None)
        return data


class StatusChangeForm(ConfirmMixin):
    to = forms.ChoiceField(label=_("New standing"))
    effective_on = forms.DateField(label=_("Effective on"), initial=timezone.localdate, widget=DATE,
                                   help_text=_("The date of death, of the decision or of the approval."))
    reason = forms.CharField(label=_("Reason"), widget=TEXT)
    document = forms.CharField(label=_("Decision document"), required=False, widget=TEXT,
                               help_text=_("Number and title of the decision, e.g. the approving committee's reply."))

    field_order = ["to", "effective_on", "reason", "document", "confirm"]

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(to, CHANGE_LABELS[to]) for to in allowed_changes(member)]
        self.fields["to"].choices = [("", "---------"), *choices] if choices else []


class PartyProbationSetForm(ConfirmMixin):
    effective_on = forms.DateField(label=_("Decided on"), initial=timezone.localdate, widget=DATE)
    until = forms.DateField(label=_("Probation until"), widget=DATE,
                            help_text=_("Probation within the Party lasts one or at most two years."))
    reason = forms.CharField(label=_("Reason"), widget=TEXT)
    document = forms.CharField(label=_("Decision document"), required=False, widget=TEXT)

    field_order = ["effective_on", "until", "reason", "document", "confirm"]


class PartyProbationClearForm(forms.Form):
    effective_on = forms.DateField(label=_("Ended on"), initial=timezone.localdate, widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=TEXT,
                             help_text=_("For example: the probation ended and the member's rights are restored."))
    document = forms.CharField(label=_("Decision document"), required=False, widget=TEXT)


class DutyPostReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    rating = forms.ChoiceField(label=_("Rating"), choices=ReviewRating.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=TEXT)
    reviewer = forms.CharField(label=_("Reviewed by"), max_length=50,
                               help_text=_("A person, or the branch committee."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].initial = _user_name(user)


class DutyPostEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("Why it ended"), max_length=200, required=False)


class PledgeProgressForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("Progress"), widget=TEXT, help_text=_("What the member has done toward the pledge."))


class PledgeVerdictForm(forms.Form):
    kept = forms.TypedChoiceField(label=_("Verdict"), choices=[("1", _("Kept")), ("0", _("Not kept"))],
                                  coerce=lambda v: v == "1")
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("Verdict note"), required=False, widget=TEXT,
                           help_text=_("Required when the pledge was not kept."))


class ReserveCadreForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none(),
                                    help_text=_("Full members of the organization and the organizations under it."))
    intended_kind = forms.ModelChoiceField(label=_("Intended post"), queryset=PostKind.objects.all())
    added_on = forms.DateField(label=_("Added on"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT,
                           help_text=_("Strengths, how the member was recommended."))

    def __init__(self, *args, organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.restrict(user, "view").without_protected()
            .filter(organization__path__startswith=organization.path, status=MemberStatus.FULL)
            .select_related("organization").order_by("name_pinyin", "id"))
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.organization.display_name}）"


class CadreTrainingForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    course = forms.CharField(label=_("Course or assignment"), max_length=100)
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, min_value=0)
    organizer = forms.CharField(label=_("Organized by"), max_length=100, required=False)


class CadreEvaluationForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    grade = forms.ChoiceField(label=_("Grade"), choices=CadreGrade.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=TEXT)
    evaluator = forms.CharField(label=_("Evaluated by"), max_length=50)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].initial = _user_name(user)


class CadreAppointForm(forms.Form):
    post = forms.ModelChoiceField(label=_("Post now held"), queryset=None,
                                  help_text=_("Fill the post on the organization's page first; then mark the entry here."))

    def __init__(self, *args, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = appointable_posts(cadre)
        self.fields["post"].label_from_instance = (
            lambda p: f"{p.organization.display_name} · {p.kind.name}（{p.term_start:%Y-%m-%d}）")


class CadreLeaveForm(forms.Form):
    on = forms.DateField(label=_("Left on"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("Reason"), widget=TEXT)


class LostContactOpenForm(forms.Form):
    since = forms.DateField(label=_("Out of contact since"), widget=DATE,
                            help_text=_("The last day the branch was in touch with the member."))
    note = forms.CharField(label=_("Circumstances"), required=False, widget=TEXT)


class SearchRecordForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=SearchMethod.choices)
    result = forms.CharField(label=_("Result"), widget=TEXT)
    searched_by = forms.CharField(label=_("Searched by"), max_length=50)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["searched_by"].initial = _user_name(user)


class LostContactFoundForm(forms.Form):
    on = forms.DateField(label=_("Found on"), initial=timezone.localdate, widget=DATE)
    outcome = forms.CharField(label=_("How the member was found"), widget=TEXT)
    deceased = forms.BooleanField(label=_("The member has died"), required=False)


class LostContactHandleForm(ConfirmMixin):
    on = forms.DateField(label=_("Decided on"), initial=timezone.localdate, widget=DATE)
    decision = forms.CharField(label=_("Decision"), widget=TEXT)
    document = forms.CharField(label=_("Decision document"), required=False, widget=TEXT)

    field_order = ["on", "decision", "document", "confirm"]
