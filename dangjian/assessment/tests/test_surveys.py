"""Surveys (满意度测评, 民主测评): one answer per person, anonymity, eligibility, validation, tallies,
the satisfaction rate, the pages, the export and the API."""
import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.organizations.models import Organization

from .. import services_surveys as services
from ..choices import QuestionKind, SurveyAccess, SurveyAudience, SurveyPurpose, SurveyStatus
from ..models import Answer, Ballot, Participation, Response
from ..selectors_surveys import open_for, satisfaction, survey_tally
from ..services_surveys import (
    CODE_ALPHABET,
    ballots_issue,
    error_codes,
    question_save,
    survey_answer,
    survey_transition,
)
from .fixtures_surveys import community, make_survey

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
GRADES = ["好", "较好", "一般", "差"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def codes_of(exc_info) -> set[str]:
    return error_codes(exc_info.value)


def q(survey, number):
    return list(survey.questions.prefetch_related("options"))[number]


def option(question, text):
    return next(o.pk for o in question.options.all() if o.text == text)


def branch():
    return Organization.objects.get(name="滨河社区第一党支部")


def vote_survey(personas, **kwargs):
    return make_survey(personas, purpose=SurveyPurpose.VOTE, access=SurveyAccess.BALLOT, title="民主测评", questions=[
        (QuestionKind.SINGLE, "总体评价", GRADES),
        (QuestionKind.RATING, "班子团结协作评分", 10),
        (QuestionKind.MULTIPLE, "突出的方面", ["理论学习", "服务群众", "廉洁自律"]),
        (QuestionKind.TEXT, "意见建议", False),
    ], **kwargs)


# ---- one answer per person ----------------------------------------------------------------------

def test_second_answer_by_the_same_member_is_refused(personas):
    survey = make_survey(personas)
    rating = q(survey, 0)
    survey_answer(survey=survey, answers={rating.pk: 5}, user=personas["member"])
    with pytest.raises(ValidationError) as refused:
        survey_answer(survey=survey, answers={rating.pk: 1}, user=personas["member"])
    assert codes_of(refused) == {"answered"}
    assert Response.objects.filter(survey=survey).count() == 1
    assert list(Answer.objects.filter(question=rating).values_list("rating", flat=True)) == [5]


def test_concurrent_double_submit_leaves_one_response(personas):
    """Both requests pass the early check at once: the unique participation refuses the second, whose
    response and answers are rolled back with it."""
    survey = make_survey(personas)
    rating = q(survey, 0)
    survey_answer(survey=survey, answers={rating.pk: 4}, user=personas["member"])
    with mock.patch.object(services, "already_answered", return_value=False), pytest.raises(ValidationError) as late:
        survey_answer(survey=survey, answers={rating.pk: 2}, user=personas["member"])
    assert codes_of(late) == {"answered"}
    assert Response.objects.filter(survey=survey).count() == 1
    assert Participation.objects.filter(survey=survey).count() == 1
    assert list(Answer.objects.filter(question=rating).values_list("rating", flat=True)) == [4]


def test_a_ballot_code_answers_once(personas):
    survey = vote_survey(personas)
    ballot = ballots_issue(actor=personas["community"], survey=survey, count=2)[0]
    grade = q(survey, 0)
    typed = f"{ballot.code[:4].lower()}-{ballot.code[4:].lower()}"  # typed on a phone: lower case, with a dash
    survey_answer(survey=survey, answers={grade.pk: option(grade, "好"), q(survey, 1).pk: 9}, ballot_code=typed)
    with pytest.raises(ValidationError) as reused:
        survey_answer(survey=survey, answers={grade.pk: option(grade, "差"), q(survey, 1).pk: 1},
                      ballot_code=ballot.code)
    assert codes_of(reused) == {"used_code"}
    with pytest.raises(ValidationError) as wrong:
        survey_answer(survey=survey, answers={grade.pk: option(grade, "差"), q(survey, 1).pk: 1}, ballot_code="ZZZZ2222")
    assert codes_of(wrong) == {"bad_code"}
    other = make_survey(personas, access=SurveyAccess.BALLOT, title="另一测评")
    foreign = ballots_issue(actor=personas["community"], survey=other, count=1)[0]
    with pytest.raises(ValidationError) as elsewhere:  # a code of another survey is no code here
        survey_answer(survey=survey, answers={grade.pk: option(grade, "差"), q(survey, 1).pk: 1},
                      ballot_code=foreign.code)
    assert codes_of(elsewhere) == {"bad_code"}
    assert Response.objects.filter(survey=survey).count() == 1
    ballot.refresh_from_db()
    assert ballot.used_on is not None and Participation.objects.get(ballot=ballot).user is None


# ---- anonymity ----------------------------------------------------------------------------------

def test_anonymous_survey_stores_no_respondent_and_its_results_and_export_name_nobody(personas, client_for):
    member = personas["member"]
    member.username, member.full_name = "lizhiqiang_1961", "李志强"
    member.save()
    survey = make_survey(personas, questions=[(QuestionKind.RATING, "满意度", 5), (QuestionKind.TEXT, "建议", False)])
    survey_answer(survey=survey, answers={q(survey, 0).pk: 4, q(survey, 1).pk: "多组织学习"}, user=member)
    response = Response.objects.get(survey=survey)
    assert response.respondent is None
    assert Participation.objects.get(survey=survey).user == member  # who took part, kept apart from what
    names = [member.username, member.get_full_name()]
    client = client_for("community")
    body = client.get(f"/assessment/surveys/{survey.pk}/results/").content.decode()
    assert "多组织学习" in body
    export = client.get(f"/assessment/surveys/{survey.pk}/results.xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "多组织学习" in cells and "答卷人" not in cells
    for name in filter(None, names):
        assert name not in body and name not in cells
    assert AuditEntry.objects.filter(action="assessment.survey_exported", object_id=str(survey.pk)).count() == 1


def test_named_survey_keeps_the_respondent_and_exports_the_name(personas, client_for):
    member = personas["member"]
    survey = make_survey(personas, anonymous=False)
    survey_answer(survey=survey, answers={q(survey, 0).pk: 3}, user=member)
    assert Response.objects.get(survey=survey).respondent == member
    export = client_for("community").get(f"/assessment/surveys/{survey.pk}/results.xlsx")
    raw = load_workbook(io.BytesIO(export.content))["原始答卷"]
    rows = list(raw.iter_rows(values_only=True))
    assert rows[0][1] == "答卷人" and rows[1][1] == (member.get_full_name() or member.username)


# ---- eligibility --------------------------------------------------------------------------------

def test_only_members_under_the_survey_organization_may_answer(personas):
    survey = make_survey(personas, organization=branch(), actor="branch", title="第一支部民主测评")
    rating = q(survey, 0)
    for outsider in ("sibling", "resident", "grid"):  # another branch's member; no member record at all
        with pytest.raises(ValidationError) as refused:
            survey_answer(survey=survey, answers={rating.pk: 5}, user=personas[outsider])
        assert codes_of(refused) == {"not_eligible"}, outsider
    with pytest.raises(ValidationError) as anonymous:
        survey_answer(survey=survey, answers={rating.pk: 5}, user=None)
    assert codes_of(anonymous) == {"login"}
    survey_answer(survey=survey, answers={rating.pk: 5}, user=personas["member"])
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_survey_of_residents_is_answered_with_ballot_codes_not_accounts(personas, client_for):
    """Any signed-in user could answer a residents' survey by account: one answer per household
    needs a ballot code per household, so residents + signed-in is refused when creating and changing."""
    with pytest.raises(ValidationError) as refused:
        make_survey(personas, audience=SurveyAudience.RESIDENTS, access=SurveyAccess.ACCOUNT, title="居民满意度")
    assert codes_of(refused) == {"residents_by_ballot"}
    assert list(refused.value.message_dict) == ["access"]
    assert not community().surveys.filter(title="居民满意度").exists()
    draft = make_survey(personas, open_it=False, title="党员测评")
    with pytest.raises(ValidationError) as changed:
        services.survey_update(actor=personas["community"], survey=draft, title=draft.title, purpose=draft.purpose,
                               audience=SurveyAudience.RESIDENTS, access=SurveyAccess.ACCOUNT, anonymous=True,
                               opens_on=draft.opens_on, closes_on=draft.closes_on)
    assert codes_of(changed) == {"residents_by_ballot"}
    draft.refresh_from_db()
    assert draft.audience == SurveyAudience.MEMBERS
    older = make_survey(personas, title="旧数据")  # written around the services: still no answer by account
    type(older).objects.filter(pk=older.pk).update(audience=SurveyAudience.RESIDENTS)
    older.refresh_from_db()
    with pytest.raises(ValidationError) as by_account:
        survey_answer(survey=older, answers={q(older, 0).pk: 5}, user=personas["resident"])
    assert codes_of(by_account) == {"not_eligible"}
    residents = make_survey(personas, audience=SurveyAudience.RESIDENTS, access=SurveyAccess.BALLOT, title="居民测评")
    ballot = ballots_issue(actor=personas["community"], survey=residents, count=1)[0]
    with pytest.raises(ValidationError) as no_code:  # a signed-in resident still needs the household's code
        survey_answer(survey=residents, answers={q(residents, 0).pk: 5}, user=personas["resident"])
    assert codes_of(no_code) == {"code"}
    survey_answer(survey=residents, answers={q(residents, 0).pk: 5}, user=personas["resident"], ballot_code=ballot.code)
    assert Response.objects.filter(survey=residents).count() == 1
    # The form offers ballot codes first (residents are the default audience) and shows the refusal by the field.
    client = client_for("community")
    assert client.get("/assessment/surveys/new/").context["form"]["access"].value() == SurveyAccess.BALLOT
    page = client.post("/assessment/surveys/new/", {
        "organization": community().pk, "title": "居民满意度", "purpose": "satisfaction", "audience": "residents",
        "access": "account", "anonymous": "on", "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + datetime.timedelta(days=7)).isoformat()})
    assert page.status_code == 200 and "access" in page.context["form"].errors
    assert not community().surveys.filter(title="居民满意度").exists()


def test_open_for_lists_the_surveys_of_the_member_s_organizations_not_yet_answered(personas):
    above = make_survey(personas, title="社区党委的测评")
    own = make_survey(personas, organization=branch(), actor="branch", title="第一支部测评")
    make_survey(personas, audience=SurveyAudience.RESIDENTS, access=SurveyAccess.BALLOT, title="居民测评")
    make_survey(personas, title="草稿", open_it=False)
    assert set(open_for(personas["member"], TODAY)) == {above, own}
    assert set(open_for(personas["sibling"], TODAY)) == {above}  # not the first branch's own survey
    survey_answer(survey=own, answers={q(own, 0).pk: 4}, user=personas["member"])
    assert set(open_for(personas["member"], TODAY)) == {above}
    assert list(open_for(personas["resident"], TODAY)) == []


# ---- validation ---------------------------------------------------------------------------------

def test_invalid_answers_are_refused_question_by_question_and_nothing_is_written(personas):
    survey = vote_survey(personas)
    ballot = ballots_issue(actor=personas["community"], survey=survey, count=1)[0]
    grade, score, good, comment = (q(survey, i) for i in range(4))
    foreign_option = option(good, "服务群众")
    with pytest.raises(ValidationError) as refused:
        survey_answer(survey=survey, ballot_code=ballot.code, answers={
            grade.pk: foreign_option,         # an option of another question
            score.pk: 11,                      # beyond the scale of 10
            good.pk: [option(good, "理论学习")],
            comment.pk: "<b>很好</b>",           # HTML
        })
    errors = refused.value.error_dict
    assert set(errors) == {f"q{grade.pk}", f"q{score.pk}", f"q{comment.pk}"}
    assert errors[f"q{grade.pk}"][0].code == "option" and errors[f"q{score.pk}"][0].code == "rating"
    assert refused.value.message_dict[f"q{comment.pk}"] == ["请填写纯文本，不要包含 HTML。"]
    with pytest.raises(ValidationError) as missing:
        survey_answer(survey=survey, ballot_code=ballot.code, answers={good.pk: [], comment.pk: "x" * 1001})
    assert {e.code for e in missing.value.error_dict[f"q{grade.pk}"]} == {"required"}
    assert f"q{comment.pk}" in missing.value.error_dict
    assert not Response.objects.filter(survey=survey).exists() and not Answer.objects.filter(question=grade).exists()
    ballot.refresh_from_db()
    assert ballot.used_on is None and not Participation.objects.filter(survey=survey).exists()


def test_building_rules(personas):
    survey = make_survey(personas, open_it=False, questions=[])
    actor = personas["community"]
    with pytest.raises(ValidationError) as few:
        question_save(actor=actor, survey=survey, kind=QuestionKind.SINGLE, text="选一个", options=["好", " 好 ", ""])
    assert codes_of(few) == {"options"}
    with pytest.raises(ValidationError) as scale:
        question_save(actor=actor, survey=survey, kind=QuestionKind.RATING, text="打分", scale=11)
    assert codes_of(scale) == {"scale"}
    with pytest.raises(ValidationError) as empty:
        survey_transition(actor=actor, survey=survey, action="open")
    assert codes_of(empty) == {"no_questions"}
    with pytest.raises(PermissionDenied):  # the sibling branch's secretary does not run the community's survey
        question_save(actor=personas["sibling"], survey=survey, kind=QuestionKind.TEXT, text="x")
    first = question_save(actor=actor, survey=survey, kind=QuestionKind.TEXT, text="第一题")
    second = question_save(actor=actor, survey=survey, kind=QuestionKind.SINGLE, text="第二题", options=["甲", "乙"])
    services.question_move(actor=actor, question=second, direction="up")
    assert list(survey.questions.values_list("text", flat=True)) == ["第二题", "第一题"]
    services.question_delete(actor=actor, question=first)
    assert list(survey.questions.values_list("order", flat=True)) == [1]
    survey = survey_transition(actor=actor, survey=survey, action="open")
    with pytest.raises(ValidationError) as locked:
        question_save(actor=actor, survey=survey, kind=QuestionKind.TEXT, text="晚加的题")
    assert codes_of(locked) == {"not_draft"}
    survey = survey_transition(actor=actor, survey=survey, action="close")
    survey = survey_transition(actor=actor, survey=survey, action="reopen")
    assert survey.status == SurveyStatus.OPEN
    assert AuditEntry.objects.filter(object_id=str(survey.pk), action__in=[
        "assessment.survey_opened", "assessment.survey_closed", "assessment.survey_reopened"]).count() == 3
    with pytest.raises(PermissionDenied):  # an auditor reads, never closes
        survey_transition(actor=personas["auditor"], survey=survey, action="close")


def test_closed_and_not_yet_open_surveys_take_no_answers(personas):
    actor = personas["community"]
    survey = make_survey(personas)
    survey_transition(actor=actor, survey=survey, action="close")
    survey.refresh_from_db()
    with pytest.raises(ValidationError) as closed:
        survey_answer(survey=survey, answers={q(survey, 0).pk: 5}, user=personas["member"])
    assert codes_of(closed) == {"closed"}
    later = make_survey(personas, opens_on=TODAY + datetime.timedelta(days=2), title="下周开始")
    with pytest.raises(ValidationError) as early:
        survey_answer(survey=later, answers={q(later, 0).pk: 5}, user=personas["member"])
    assert codes_of(early) == {"not_open"}
    survey.closes_on = TODAY - datetime.timedelta(days=1)
    survey.save()
    with pytest.raises(ValidationError) as past:
        survey_transition(actor=actor, survey=survey, action="reopen")
    assert codes_of(past) == {"closes_on"}


def test_an_answer_is_refused_when_the_survey_closed_after_it_was_loaded(personas):
    """The survey object the page or the API loaded is stale: the service checks the row it locks."""
    actor = personas["community"]
    survey = make_survey(personas)
    stale = type(survey).objects.get(pk=survey.pk)
    survey_transition(actor=actor, survey=survey, action="close")
    with pytest.raises(ValidationError) as closed:
        survey_answer(survey=stale, answers={q(stale, 0).pk: 5}, user=personas["member"])
    assert codes_of(closed) == {"closed"}
    ballot_survey = vote_survey(personas)
    ballot = ballots_issue(actor=actor, survey=ballot_survey, count=1)[0]
    stale = type(ballot_survey).objects.get(pk=ballot_survey.pk)
    type(ballot_survey).objects.filter(pk=ballot_survey.pk).update(closes_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as ended:
        survey_answer(survey=stale, ballot_code=ballot.code, answers={
            q(stale, 0).pk: option(q(stale, 0), "好"), q(stale, 1).pk: 9})
    assert codes_of(ended) == {"closed"}
    ballot.refresh_from_db()
    assert ballot.used_on is None
    assert not Response.objects.filter(survey__in=[survey, ballot_survey]).exists()
    assert not Participation.objects.filter(survey__in=[survey, ballot_survey]).exists()


def test_ballot_codes(personas):
    survey = vote_survey(personas)
    made = ballots_issue(actor=personas["community"], survey=survey, count=300)
    codes = [b.code for b in made]
    assert len(set(codes)) == 300 and all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set("".join(codes))
    with pytest.raises(ValidationError) as many:
        ballots_issue(actor=personas["community"], survey=survey, count=2001)
    assert codes_of(many) == {"too_many"}
    account = make_survey(personas)
    with pytest.raises(ValidationError):
        ballots_issue(actor=personas["community"], survey=account, count=5)


def test_household_ballots_carry_building_and_room_never_names(personas, client_for):
    from dangjian.grid.models import Household

    survey = make_survey(personas, audience=SurveyAudience.RESIDENTS, access=SurveyAccess.BALLOT, title="居民测评")
    response = client_for("community").post(f"/assessment/surveys/{survey.pk}/ballots/", {"households": "on"})
    assert response.status_code == 302
    households = Household.objects.filter(active=True, building__grid__active=True,
                                          building__grid__organization__path__startswith=community().path)
    labels = set(Ballot.objects.filter(survey=survey).values_list("label", flat=True))
    assert len(labels) == households.count() > 0
    names = {h.contact_name for h in households if h.contact_name}
    assert not any(name in label for label in labels for name in names)
    with CaptureQueriesContext(connection) as queries:
        sheet = client_for("community").get(f"/assessment/surveys/{survey.pk}/ballots/")
    assert sheet.context["households"] == households.count()
    household_reads = [x["sql"] for x in queries.captured_queries if "grid_household" in x["sql"]]
    assert len(household_reads) == 1 and "COUNT(" in household_reads[0].upper()  # counted, not loaded
    first = Ballot.objects.filter(survey=survey).order_by("label", "id").first()
    body = sheet.content.decode()
    assert first.label in body and f"{first.code[:4]}-{first.code[4:]}" in body and "<svg" in body


# ---- tallies ------------------------------------------------------------------------------------

def test_tally_of_a_democratic_vote_with_seven_answers(personas):
    survey = vote_survey(personas)
    grade, score, good, comment = (q(survey, i) for i in range(4))
    ballots = ballots_issue(actor=personas["community"], survey=survey, count=10)
    votes = [("好", 10, ["理论学习", "服务群众"], "继续保持"), ("好", 9, ["服务群众"], ""), ("好", 8, ["服务群众"], ""),
             ("较好", 8, ["廉洁自律"], "多下基层"), ("较好", 7, [], ""), ("一般", 5, ["理论学习"], ""),
             ("差", 3, ["服务群众", "廉洁自律"], "")]
    for ballot, (g, s, goods, text) in zip(ballots, votes, strict=False):
        survey_answer(survey=survey, ballot_code=ballot.code, answers={
            grade.pk: option(grade, g), score.pk: s, good.pk: [option(good, t) for t in goods], comment.pk: text})
    figures = survey_tally(survey)
    assert figures.respondents == 7 and (figures.issued, figures.used, figures.turnout) == (10, 7, Decimal("70.00"))
    grades = figures.questions[0]
    assert grades.answered == 7
    assert [(o.text, o.count, o.percent) for o in grades.options] == [
        ("好", 3, Decimal("42.86")), ("较好", 2, Decimal("28.57")), ("一般", 1, Decimal("14.29")),
        ("差", 1, Decimal("14.29"))]
    scores = figures.questions[1]
    assert scores.distribution == [(1, 0), (2, 0), (3, 1), (4, 0), (5, 1), (6, 0), (7, 1), (8, 2), (9, 1), (10, 1)]
    assert scores.average == Decimal("7.14")  # 50 / 7
    # satisfied from 4 of 5 → 8 of 10: 10, 9, 8, 8
    assert (scores.satisfied, scores.satisfied_percent) == (4, Decimal("57.14"))
    goods = figures.questions[2]
    assert goods.answered == 6  # one vote chose none
    assert [(o.text, o.count, o.percent) for o in goods.options] == [
        ("理论学习", 2, Decimal("33.33")), ("服务群众", 4, Decimal("66.67")), ("廉洁自律", 2, Decimal("33.33"))]
    assert figures.questions[3].texts == ["多下基层", "继续保持"]  # same day: by text; text only


def test_text_answers_are_listed_by_day_then_alphabetically_never_in_order_of_arrival(personas, client_for):
    survey = make_survey(personas, access=SurveyAccess.BALLOT, questions=[(QuestionKind.TEXT, "建议", True)])
    text = q(survey, 0)
    codes = [b.code for b in ballots_issue(actor=personas["community"], survey=survey, count=4)]
    survey_answer(survey=survey, ballot_code=codes[0], answers={text.pk: "0 older"})
    Response.objects.filter(survey=survey).update(submitted_on=TODAY - datetime.timedelta(days=3))
    for code, said in zip(codes[1:], ["B second", "C third", "A last"], strict=True):  # arrive in this order today
        survey_answer(survey=survey, ballot_code=code, answers={text.pk: said})
    assert survey_tally(survey).questions[0].texts == ["A last", "B second", "C third", "0 older"]
    page = client_for("community").get(f"/assessment/surveys/{survey.pk}/results/")
    assert page.context["tally"].questions[0].texts[0] == "A last"


def test_export_of_an_anonymous_survey_sorts_answers_by_question_and_value_not_by_arrival(personas, client_for):
    survey = make_survey(personas, access=SurveyAccess.BALLOT, questions=[
        (QuestionKind.RATING, "满意度", 5), (QuestionKind.SINGLE, "评价", GRADES), (QuestionKind.TEXT, "建议", False)])
    rating, grade, text = q(survey, 0), q(survey, 1), q(survey, 2)
    codes = [b.code for b in ballots_issue(actor=personas["community"], survey=survey, count=5)]
    given = [(3, "一般", "B"), (5, "好", "C"), (1, "差", "A"), (4, "较好", "D"), (2, "差", "")]
    for code, (r, g, t) in zip(codes, given, strict=True):
        survey_answer(survey=survey, ballot_code=code, answers={rating.pk: r, grade.pk: option(grade, g), text.pk: t})
    export = client_for("community").get(f"/assessment/surveys/{survey.pk}/results.xlsx")
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book["原始答卷"].iter_rows(values_only=True))
    assert rows[0] == ("答卷编号", "题号", "题目", "回答")
    by_question = [(number, answer) for _n, number, _t, answer in rows[1:]]
    assert by_question == [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, "好"), (2, "较好"), (2, "一般"), (2, "差"),
                           (2, "差"), (3, "A"), (3, "B"), (3, "C"), (3, "D")]
    # Response numbers follow the sorted rows (the lowest rating is response 1), not the order of arrival.
    assert [n for n, number, _t, _a in rows[1:] if number == 1] == [1, 2, 3, 4, 5]
    summary = [row for row in book["统计"].iter_rows(values_only=True)]
    assert summary[0] == ("题号", "题目", "选项或分值", "人数", "比例(%)")
    assert (None, "参与人数", None, 5, None) in summary and (None, "已使用测评码（参与率%）", None, 5, 100.0) in summary
    assert (2, "评价", "差", 2, 40.0) in summary


def test_satisfaction_counts_rating_answers_of_satisfaction_surveys_in_the_subtree(personas):
    actor = personas["community"]
    five = make_survey(personas, access=SurveyAccess.BALLOT, questions=[(QuestionKind.RATING, "总体", 5),
                                                                          (QuestionKind.RATING, "十分制", 10)])
    codes = [b.code for b in ballots_issue(actor=actor, survey=five, count=6)]
    for code, (a, b) in zip(codes, [(5, 10), (4, 8), (3, 7), (2, 9), (4, 2)], strict=False):
        survey_answer(survey=five, ballot_code=code, answers={q(five, 0).pk: a, q(five, 1).pk: b})
    # Five-point: 5, 4, 4 satisfied of 5; ten-point: 10, 8, 9 satisfied of 5 → 6 of 10.
    vote = make_survey(personas, purpose=SurveyPurpose.VOTE, access=SurveyAccess.BALLOT, title="测评不算满意度")
    survey_answer(survey=vote, ballot_code=ballots_issue(actor=actor, survey=vote, count=1)[0].code,
                  answers={q(vote, 0).pk: 5})
    town = Organization.objects.get(name="中共临江市青山镇委员会")
    elsewhere = make_survey(personas, organization=town, actor="city", access=SurveyAccess.BALLOT, title="镇里的")
    survey_answer(survey=elsewhere, ballot_code=ballots_issue(actor=personas["city"], survey=elsewhere,
                                                              count=1)[0].code, answers={q(elsewhere, 0).pk: 5})
    start, end = TODAY - datetime.timedelta(days=30), TODAY
    assert satisfaction(community(), start, end) == (6, 10)
    street = Organization.objects.get(name="中共临江市江滨街道工作委员会")
    assert satisfaction(street, start, end) == (6, 10)
    assert satisfaction(Organization.objects.get(name="中共临江市委员会"), start, end) == (7, 11)
    # Answers outside the period do not count.
    first = Response.objects.get(survey=five, answers__question=q(five, 0), answers__rating=5)  # answered (5, 10)
    Response.objects.filter(pk=first.pk).update(submitted_on=start - datetime.timedelta(days=1))
    assert satisfaction(community(), start, end) == (4, 8)
    with CaptureQueriesContext(connection) as queries:
        satisfaction(community(), start, end)
    assert sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries) == 1


def test_results_page_queries_do_not_grow_with_answers(personas, client_for):
    survey = vote_survey(personas)
    grade, score, good, comment = (q(survey, i) for i in range(4))
    codes = [b.code for b in ballots_issue(actor=personas["community"], survey=survey, count=40)]

    def answer(n, start):
        for code in codes[start:start + n]:
            survey_answer(survey=survey, ballot_code=code, answers={
                grade.pk: option(grade, "好"), score.pk: 8, good.pk: [option(good, "理论学习")], comment.pk: "好"})

    client = client_for("community")
    answer(2, 0)
    client.get(f"/assessment/surveys/{survey.pk}/results/")  # warm caches (rules, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/assessment/surveys/{survey.pk}/results/").status_code == 200
    answer(30, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/assessment/surveys/{survey.pk}/results/")
    assert response.context["tally"].respondents == 32
    assert len(many.captured_queries) == len(few.captured_queries) <= 20


# ---- pages --------------------------------------------------------------------------------------

def test_answer_page_for_a_member_on_the_phone(personas, client_for):
    survey = make_survey(personas, questions=[(QuestionKind.RATING, "满意度", 5), (QuestionKind.SINGLE, "评价", GRADES)])
    url = f"/assessment/surveys/a/{survey.key}/"
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/") and "next=" in anonymous["Location"]
    client = client_for("member")
    page = client.get(url)
    assert page.status_code == 200 and b"data-anonymous" in page.content and b"<progress" in page.content
    # A required question left out: the form comes back with the message beside it, nothing stored.
    missing = client.post(url, {f"q{q(survey, 0).pk}": "4"})
    assert missing.status_code == 200 and f"q{q(survey, 1).pk}" in missing.context["form"].errors
    assert not Response.objects.filter(survey=survey).exists()
    done = client.post(url, {f"q{q(survey, 0).pk}": "4", f"q{q(survey, 1).pk}": str(option(q(survey, 1), "好"))})
    assert done.status_code == 302 and done["Location"] == f"/assessment/surveys/a/{survey.key}/thanks/"
    assert client.get(done["Location"]).status_code == 200
    again = client.get(url)
    assert again.context["problem"] and b"data-problem" in again.content and b"<form method=\"post\" novalidate" \
        not in again.content
    outsider = client_for("resident").get(url)  # not a Party member: told so, no form
    assert outsider.status_code == 200 and outsider.context["problem"]


def test_answer_page_with_a_ballot_code_from_the_qr_code(personas, client_for):
    survey = make_survey(personas, audience=SurveyAudience.RESIDENTS, access=SurveyAccess.BALLOT, title="居民测评")
    ballot = ballots_issue(actor=personas["community"], survey=survey, count=1)[0]
    client = client_for(None)
    url = f"/assessment/surveys/a/{survey.key}/"
    page = client.get(url, {"code": ballot.code.lower()})
    assert page.status_code == 200 and page.context["code_ok"] and ballot.code in page.content.decode()
    done = client.post(url, {"code": ballot.code, f"q{q(survey, 0).pk}": "5"})
    assert done.status_code == 302
    used = client.get(url, {"code": ballot.code})
    assert used.status_code == 200 and used.context["problem"]
    assert Response.objects.get(survey=survey).respondent is None


def test_wrong_codes_are_limited_per_address(personas, client_for, settings):
    settings.SURVEY_CODE_RATE = (3, 3600)
    survey = make_survey(personas, audience=SurveyAudience.RESIDENTS, access=SurveyAccess.BALLOT, title="居民测评")
    ballot = ballots_issue(actor=personas["community"], survey=survey, count=1)[0]
    client = client_for(None)
    url = f"/assessment/surveys/a/{survey.key}/"
    for guess in ("AAAA2222", "BBBB3333", "CCCC4444"):
        wrong = client.post(url, {"code": guess, f"q{q(survey, 0).pk}": "5"})
        assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    blocked = client.post(url, {"code": ballot.code, f"q{q(survey, 0).pk}": "5"})
    assert blocked.status_code == 200 and "code" in blocked.context["form"].errors
    assert not Response.objects.filter(survey=survey).exists()
    other = client.post(url, {"code": ballot.code, f"q{q(survey, 0).pk}": "5"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_closed_survey_page_says_so(personas, client_for):
    survey = make_survey(personas)
    survey_transition(actor=personas["community"], survey=survey, action="close")
    page = client_for("member").get(f"/assessment/surveys/a/{survey.key}/")
    assert page.status_code == 200 and page.context["problem"] and "form" not in page.context["problem"]
    assert b"data-problem" in page.content


def test_builder_pages_create_fill_and_open_a_survey(personas, client_for):
    client = client_for("community")
    created = client.post("/assessment/surveys/new/", {
        "organization": community().pk, "title": "邻里节满意度", "description": "", "purpose": "satisfaction",
        "audience": "residents", "access": "ballot", "anonymous": "on", "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + datetime.timedelta(days=7)).isoformat()})
    assert created.status_code == 302
    survey = community().surveys.get(title="邻里节满意度")
    assert survey.status == SurveyStatus.DRAFT and len(survey.key) >= 16
    added = client.post(f"/assessment/surveys/{survey.pk}/questions/new/", {
        "kind": "single", "text": "您参加了吗？", "required": "on", "options": "参加了\n没参加", "scale": "5"})
    assert added.status_code == 302
    bad = client.post(f"/assessment/surveys/{survey.pk}/questions/new/", {
        "kind": "single", "text": "只有一个选项", "required": "on", "options": "唯一", "scale": "5"})
    assert bad.status_code == 200 and "options" in bad.context["form"].errors
    assert client.post(f"/assessment/surveys/{survey.pk}/step/", {"action": "open"}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    detail = client.get(f"/assessment/surveys/{survey.pk}/").content.decode()
    assert "<svg" in detail and f"/assessment/surveys/a/{survey.key}/" in detail
    listing = client.get("/assessment/surveys/", {"status": "open"})
    assert survey in listing.context["page_obj"].object_list
    assert client_for("sibling").get(f"/assessment/surveys/{survey.pk}/").status_code == 404
    assert client_for("auditor").get(f"/assessment/surveys/{survey.pk}/results.xlsx").status_code == 403


def test_member_list_shows_surveys_waiting_for_the_member(personas, client_for):
    survey = make_survey(personas)
    page = client_for("member").get("/assessment/surveys/")
    assert page.status_code == 200 and f"/assessment/surveys/a/{survey.key}/" in page.content.decode()


# ---- API ----------------------------------------------------------------------------------------

def test_api_lists_with_filters_and_shows_tallies(personas, client_for):
    survey = make_survey(personas)
    draft = make_survey(personas, open_it=False, purpose=SurveyPurpose.VOTE, title="草稿")
    survey_answer(survey=survey, answers={q(survey, 0).pk: 5}, user=personas["member"])
    client = client_for("community")
    ids = {row["id"] for row in client.get("/api/v1/surveys/", {"status": "open"}).json()["results"]}
    assert survey.pk in ids and draft.pk not in ids
    ids = {row["id"] for row in client.get("/api/v1/surveys/", {"purpose": "vote"}).json()["results"]}
    assert ids == {draft.pk} or (draft.pk in ids and survey.pk not in ids)
    assert client.get("/api/v1/surveys/", {"org": "x"}).status_code == 400
    detail = client.get(f"/api/v1/surveys/{survey.pk}/").json()
    assert detail["questions"][0]["kind"] == "rating" and detail["tally"]["respondents"] == 1
    assert detail["tally"]["questions"][0]["distribution"][4] == {"rating": 5, "count": 1}
    sibling_ids = {row["id"] for row in client_for("sibling").get("/api/v1/surveys/").json()["results"]}
    assert survey.pk not in sibling_ids


def test_api_answers_by_key_once(personas, client_for):
    survey = make_survey(personas, questions=[(QuestionKind.SINGLE, "评价", GRADES)])
    question = q(survey, 0)
    url = f"/api/v1/surveys/answer/{survey.key}/"
    assert client_for(None).get(url).status_code == 401
    client = client_for("member")
    form = client.get(url).json()
    assert form["can_answer"] and [o["text"] for o in form["questions"][0]["options"]] == GRADES
    posted = client.post(url, {"answers": {str(question.pk): option(question, "较好")}}, content_type="application/json")
    assert posted.status_code == 201, posted.content
    again = client.post(url, {"answers": {str(question.pk): option(question, "好")}}, content_type="application/json")
    assert again.status_code == 400
    assert client.get(url).json()["can_answer"] is False
    ballot_survey = make_survey(personas, audience=SurveyAudience.RESIDENTS, access=SurveyAccess.BALLOT, title="居民")
    ballot = ballots_issue(actor=personas["community"], survey=ballot_survey, count=1)[0]
    burl = f"/api/v1/surveys/answer/{ballot_survey.key}/"
    anonymous = client_for(None)
    wrong = anonymous.post(burl, {"answers": {str(q(ballot_survey, 0).pk): 5}, "code": "AAAA2222"},
                           content_type="application/json")
    assert wrong.status_code == 400 and "code" in wrong.json()
    right = anonymous.post(burl, {"answers": {str(q(ballot_survey, 0).pk): 5}, "code": ballot.code},
                           content_type="application/json")
    assert right.status_code == 201
    assert Response.objects.filter(survey__in=[survey, ballot_survey]).count() == 2


# ---- workbench and demo -------------------------------------------------------------------------

def test_workbench_lines(personas):
    from ..workbench_surveys import items

    survey = make_survey(personas, closes_on=TODAY + datetime.timedelta(days=2))
    member_lines = items(user=personas["member"], today=TODAY)
    assert [line["url"] for line in member_lines] == [f"/assessment/surveys/a/{survey.key}/"]
    assert "1" in member_lines[0]["text"]
    secretary_lines = items(user=personas["community"], today=TODAY)
    assert any(line["url"].startswith("/assessment/surveys/") and line["overdue"] for line in secretary_lines)
    survey_answer(survey=survey, answers={q(survey, 0).pk: 5}, user=personas["member"])
    assert items(user=personas["member"], today=TODAY) == []
    assert items(user=personas["resident"], today=TODAY) == []


def test_demo_builds_surveys_with_answers(personas):
    from ..demo_surveys import build_demo

    residents, vote, branch_life, draft = build_demo(seed=1)
    assert residents.status == vote.status == branch_life.status == SurveyStatus.OPEN
    assert draft.status == SurveyStatus.DRAFT
    # The demo member finds the open members' survey on the workbench, to answer on a phone.
    assert branch_life in open_for(personas["member"], timezone.localdate())
    figures = survey_tally(residents)
    assert figures.respondents == figures.used > 0 and figures.issued > figures.used
    assert survey_tally(vote).respondents == 22
    assert not Response.objects.filter(survey__in=[residents, vote], respondent__isnull=False).exists()
