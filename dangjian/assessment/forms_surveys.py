"""Forms of the survey pages: the survey's details, a question, ballot codes, and the answer form
built from a survey's questions (one field ``q<id>`` per question)."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import QuestionKind, SurveyAccess, SurveyAudience, SurveyPurpose
from .services_surveys import MAX_BALLOTS, MAX_TEXT_ANSWER

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Run by"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(label=_("Introduction"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Shown above the questions: what the survey is for and who answers."))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=SurveyPurpose.choices, widget=forms.RadioSelect,
                                initial=SurveyPurpose.SATISFACTION)
    audience = forms.ChoiceField(label=_("Who answers"), choices=SurveyAudience.choices, widget=forms.RadioSelect,
                                 initial=SurveyAudience.RESIDENTS)
    access = forms.ChoiceField(label=_("How they answer"), choices=SurveyAccess.choices, widget=forms.RadioSelect,
                               initial=SurveyAccess.BALLOT,
                               help_text=_("Signed-in users answer once per account; one-time ballot codes are "
                                           "printed and handed to households or to members at a meeting. A survey "
                                           "of residents is answered with ballot codes."))
    anonymous = forms.BooleanField(label=_("Anonymous (answers do not record who gave them)"), required=False,
                                   initial=True)
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)

    def __init__(self, *args, organizations=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + datetime.timedelta(days=14)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices, widget=forms.RadioSelect,
                             initial=QuestionKind.SINGLE)
    text = forms.CharField(label=_("Question"), max_length=300)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    options = forms.CharField(label=_("Options (one per line)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("For single and multiple choice: at least two."))
    scale = forms.IntegerField(label=_("Highest rating"), required=False, min_value=2, max_value=10, initial=5,
                               help_text=_("For a rating: 1 to this number (5 for 很不满意 … 很满意)."))

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class BallotsForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_BALLOTS, required=False)
    households = forms.BooleanField(label=_("One code per household of the grids (labelled with building and room)"),
                                    required=False)

    def clean(self):
        data = super().clean()
        if not data.get("households") and not data.get("count"):
            self.add_error("count", _("Give the number of codes, or choose one per household."))
        return data


class AnswerForm(forms.Form):
    """One field per question; the service checks what is required and what is allowed."""

    def __init__(self, *args, survey, questions, ask_code=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        if ask_code:
            self.fields["code"] = forms.CharField(
                label=_("Ballot code"), max_length=20, required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                              "spellcheck": "false", "class": "form-control form-control-lg"}))
        for q in questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(choices=[(o.pk, o.text) for o in q.options.all()], widget=forms.RadioSelect)
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(choices=[(o.pk, o.text) for o in q.options.all()],
                                                  widget=forms.CheckboxSelectMultiple)
            elif q.kind == QuestionKind.RATING:
                field = forms.ChoiceField(choices=[(r, r) for r in range(1, q.scale + 1)], widget=forms.RadioSelect)
            else:
                field = forms.CharField(max_length=MAX_TEXT_ANSWER, widget=forms.Textarea(attrs={
                    "rows": 3, "maxlength": MAX_TEXT_ANSWER, "class": "form-control form-control-lg"}))
            field.required = False
            field.label = q.text
            field.question = q
            self.fields[name] = field

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
