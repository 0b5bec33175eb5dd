"""Demo surveys of 滨河社区党委: a residents' satisfaction survey answered with ballot codes handed to
households, a members' democratic vote answered at a meeting, a members' satisfaction survey open on
their phones, and a draft still being built.

Needs the demo city, the grid demo (households of 滨河社区's grids) and the personas.
"""
import datetime
import random

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.organizations.models import Organization

from .choices import QuestionKind, SurveyAccess, SurveyAudience, SurveyPurpose
from .models import Survey
from .selectors_surveys import household_labels
from .services_surveys import ballots_issue, question_save, survey_answer, survey_create, survey_transition

COMMUNITY = "滨河社区党委"
SERVICES = ["为老服务", "环境卫生", "治安巡逻", "文体活动", "矛盾调解"]
COMMENTS = ["希望多组织老年人活动。", "楼道灯维修很及时，点赞！", "建议增加垃圾分类宣传。", "停车难问题希望早日解决。",
            "网格员上门很热情。"]
GRADES = ["好", "较好", "一般", "差"]


def _questions(actor, survey, specs):
    for kind, text, extra in specs:
        if kind == QuestionKind.RATING:
            question_save(actor=actor, survey=survey, kind=kind, text=text, scale=extra)
        elif kind == QuestionKind.TEXT:
            question_save(actor=actor, survey=survey, kind=kind, text=text, required=False)
        else:
            question_save(actor=actor, survey=survey, kind=kind, text=text, options=extra)


def build_demo(*, seed: int = 1) -> list[Survey]:
    rng = random.Random(seed)
    today = timezone.localdate()
    community = Organization.objects.get(name=COMMUNITY)
    secretary = User.objects.get(username="community")
    made = []
    with transaction.atomic():
        residents = survey_create(
            actor=secretary, organization=community, title="滨河社区居民满意度测评", purpose=SurveyPurpose.SATISFACTION,
            description="请您对社区党委今年的服务工作作出评价。本测评为匿名测评，不需要填写姓名和电话。",
            audience=SurveyAudience.RESIDENTS, access=SurveyAccess.BALLOT, anonymous=True,
            opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=14))
        _questions(secretary, residents, [
            (QuestionKind.RATING, "您对社区党委今年的工作总体是否满意？", 5),
            (QuestionKind.RATING, "您对网格员的上门服务是否满意？", 5),
            (QuestionKind.SINGLE, "您最希望社区加强哪方面的服务？", SERVICES),
            (QuestionKind.MULTIPLE, "今年您参加过哪些社区活动？", ["志愿服务", "文艺演出", "健康讲座", "邻里节"]),
            (QuestionKind.TEXT, "您对社区还有什么意见和建议？", None),
        ])
        residents = survey_transition(actor=secretary, survey=residents, action="open")
        labels = household_labels(community)[:40]
        ballots = ballots_issue(actor=secretary, survey=residents, labels=labels or None, count=None if labels else 40)
        questions = list(residents.questions.prefetch_related("options"))
        for ballot in ballots[: len(ballots) * 3 // 5]:
            answers = {}
            for q in questions:
                options = [o.pk for o in q.options.all()]
                if q.kind == QuestionKind.RATING:
                    answers[q.pk] = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 15, 6, 4])[0]
                elif q.kind == QuestionKind.SINGLE:
                    answers[q.pk] = rng.choice(options)
                elif q.kind == QuestionKind.MULTIPLE:
                    answers[q.pk] = rng.sample(options, rng.randint(1, 3))
                elif rng.random() < 0.4:
                    answers[q.pk] = rng.choice(COMMENTS)
            survey_answer(survey=residents, answers=answers, ballot_code=ballot.code)
        made.append(residents)

        vote = survey_create(
            actor=secretary, organization=community, title="社区党委书记述职民主测评", purpose=SurveyPurpose.VOTE,
            description="请党员对社区党委书记本年度述职情况进行测评。",
            audience=SurveyAudience.MEMBERS, access=SurveyAccess.BALLOT, anonymous=True,
            opens_on=today - datetime.timedelta(days=2), closes_on=today + datetime.timedelta(days=5))
        _questions(secretary, vote, [
            (QuestionKind.SINGLE, "您对社区党委书记履行抓党建工作职责的总体评价", GRADES),
            (QuestionKind.RATING, "您对社区党委班子团结协作情况的评分", 10),
        ])
        vote = survey_transition(actor=secretary, survey=vote, action="open")
        codes = ballots_issue(actor=secretary, survey=vote, count=30)
        grade_q, score_q = list(vote.questions.prefetch_related("options"))
        grade_ids = [o.pk for o in grade_q.options.all()]
        for ballot in codes[:22]:
            survey_answer(survey=vote, ballot_code=ballot.code, answers={
                grade_q.pk: rng.choices(grade_ids, weights=[60, 28, 10, 2])[0],
                score_q.pk: rng.choices(range(1, 11), weights=[1, 1, 1, 1, 2, 3, 6, 10, 12, 10])[0]})
        made.append(vote)

        # Open to the members of the community on their phones (signed in): the demo member can answer it.
        branch_life = survey_create(
            actor=secretary, organization=community, title="支部组织生活满意度测评", purpose=SurveyPurpose.SATISFACTION,
            audience=SurveyAudience.MEMBERS, access=SurveyAccess.ACCOUNT, anonymous=True,
            opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=10))
        _questions(secretary, branch_life, [
            (QuestionKind.RATING, "您对本支部今年“三会一课”质量的评价", 5),
            (QuestionKind.TEXT, "对支部组织生活的意见和建议", None),
        ])
        made.append(survey_transition(actor=secretary, survey=branch_life, action="open"))

        draft = survey_create(
            actor=secretary, organization=community, title="党员冬训学习需求调查", purpose=SurveyPurpose.OTHER,
            audience=SurveyAudience.MEMBERS, access=SurveyAccess.ACCOUNT, anonymous=False,
            opens_on=today + datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=20))
        _questions(secretary, draft, [
            (QuestionKind.MULTIPLE, "您希望冬训安排哪些学习内容？", ["党的创新理论", "党章党规", "基层治理", "法律知识"]),
        ])
        made.append(draft)
    return made
