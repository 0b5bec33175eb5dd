"""Sample surveys for the survey tests and the authorization matrix (assessment app, C)."""
import datetime

from django.utils import timezone

from dangjian.organizations.models import Organization

from ..choices import QuestionKind, SurveyAccess, SurveyAudience, SurveyPurpose
from ..services_surveys import question_save, survey_create, survey_transition


def community():
    return Organization.objects.get(name="滨河社区党委")


def make_survey(personas, *, organization=None, actor="community", purpose=SurveyPurpose.SATISFACTION,
                audience=SurveyAudience.MEMBERS, access=SurveyAccess.ACCOUNT, anonymous=True, questions=None,
                open_it=True, title="党员满意度测评", opens_on=None, closes_on=None):
    """A survey of ``organization`` (滨河社区党委 by default) with ``questions`` (kind, text, options or scale),
    opened unless ``open_it`` is false."""
    today = timezone.localdate()
    survey = survey_create(actor=personas[actor], organization=organization or community(), title=title,
                           description="", purpose=purpose, audience=audience, access=access, anonymous=anonymous,
                           opens_on=opens_on or today, closes_on=closes_on or today + datetime.timedelta(days=14))
    for kind, text, extra in questions if questions is not None else [(QuestionKind.RATING, "您对社区党委的工作是否满意？", 5)]:
        if kind == QuestionKind.RATING:
            question_save(actor=personas[actor], survey=survey, kind=kind, text=text, scale=extra)
        elif kind == QuestionKind.TEXT:
            question_save(actor=personas[actor], survey=survey, kind=kind, text=text, required=bool(extra))
        else:  # a multiple choice may be left empty
            question_save(actor=personas[actor], survey=survey, kind=kind, text=text, options=extra,
                          required=kind == QuestionKind.SINGLE)
    if open_it:
        survey = survey_transition(actor=personas[actor], survey=survey, action="open")
    return survey


def matrix_samples(personas):
    """An open, anonymous members survey of 滨河社区党委 with one rating question; "survey_key" is its link."""
    survey = make_survey(personas)
    return {"survey": survey, "survey_key": survey, "survey_question": survey.questions.first()}
