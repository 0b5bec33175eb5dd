"""Demo follow-ups for the branches of 滨河社区党委 and 望江社区党委: duties with reviews, pledges
with progress and verdicts, reserve-cadre pools with training and evaluations, lost-contact
cases at different stages, and a death recorded through the standing service.

Everything goes through the services (audit entries included); the demo personas' own records
are left as they are. Loaded by ``seed_demo`` after the organizational life.
"""
import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.core.dates import add_months
from dangjian.organizations.models import Organization, PostKind

from . import cadres, followups, lost_contact, services, standing
from .choices import CadreGrade, MemberStatus, ReviewRating, SearchMethod
from .models import Member

COMMUNITIES = ("滨河社区党委", "望江社区党委")
DUTIES = [
    ("楼栋联络员", "联系本楼栋住户，收集反映居民诉求"),
    ("政策宣传员", "宣传党的政策和社区通知，组织楼道学习"),
    ("环境卫生监督岗", "督促垃圾分类，组织楼道环境整治"),
    ("矛盾调解员", "协助调解邻里纠纷，及时上报矛盾隐患"),
    ("关爱老人联络员", "定期走访独居、高龄老人，协助解决生活困难"),
    ("志愿服务队队长", "组织党员志愿者参加社区志愿服务"),
    ("平安巡逻岗", "参加社区夜间巡逻，发现安全隐患及时报告"),
]
MODEL_POSTS = [("党员示范岗·便民服务窗口", "在社区便民服务窗口亮身份、作表率，一次性告知办事要求")]
PLEDGES = [
    "每月参加一次社区志愿服务",
    "带头做好垃圾分类，带动本楼栋住户参与",
    "每季度走访一次本楼栋独居老人",
    "全年学习时长不少于32学时，撰写学习心得4篇",
    "积极参与邻里纠纷调解，做到小事不出楼栋",
    "带头参加社区文明创建活动，做文明家庭表率",
    "帮助一户困难家庭解决实际问题",
]
PROGRESS = [
    "参加社区“周末志愿服务日”活动，协助清理小区楼道杂物。",
    "走访本楼栋独居老人两户，帮助联系维修水管。",
    "完成上半年学习任务，提交学习心得两篇。",
    "协助调解楼上楼下漏水纠纷一起，双方达成一致。",
    "组织楼栋住户开展垃圾分类宣传，入户发放宣传单。",
]
REVIEW_COMMENTS = {
    ReviewRating.GOOD: ["履职尽责，群众反映良好", "主动作为，工作有成效"],
    ReviewRating.FAIR: ["能够履行职责，主动性有待加强"],
    ReviewRating.POOR: ["因外出时间较长，履职不够到位"],
}
TRAININGS = [
    ("社区后备干部培训班", Decimal("16"), "江滨街道党工委"),
    ("基层党务工作实务培训", Decimal("8"), "江滨街道党校"),
    ("跟班学习：社区网格治理", Decimal("24"), "滨河社区党委"),
    ("党支部书记示范培训（旁听）", Decimal("6"), "临江市委组织部"),
]
SEARCHES = [
    (SearchMethod.PHONE, "拨打登记的手机号码，提示已停机。"),
    (SearchMethod.HOME_VISIT, "到登记住址走访，房屋已出租，租户不知其去向。"),
    (SearchMethod.RELATIVES, "联系其亲属，称多年未有往来，不清楚联系方式。"),
    (SearchMethod.WORK_UNIT, "向原工作单位了解，已于数年前离职，无联系方式。"),
    (SearchMethod.POLICE, "请社区民警协助查询户籍信息，户籍仍在本辖区。"),
    (SearchMethod.PUBLIC_NOTICE, "在社区公告栏和公众号发布寻人公告。"),
]


def build_demo(*, seed: int = 1):
    """Follow-up records for the demo city's first two communities (tens of rows)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    kinds = {k.code: k for k in PostKind.objects.all()}
    communities = [Organization.objects.get(name=name) for name in COMMUNITIES]
    with transaction.atomic():
        for community in communities:
            branches = list(community.subtree().filter(org_type="branch").order_by("path"))
            for branch in branches:
                members = list(branch.members.without_protected().filter(status=MemberStatus.FULL, user__isnull=True)
                               .select_related("organization").order_by("id"))
                rng.shuffle(members)
                _duties(rng, today, members[:4])
                _pledges(rng, today, members[4:10])
                _cadres(rng, today, branch, [m for m in members[10:] if m.age(today) < 55][:2], kinds)
            pool = [m for b in branches for m in b.members.without_protected().filter(
                status=MemberStatus.FULL, user__isnull=True, cadre_entries__isnull=True).order_by("-birth_date", "id")[:1]]
            _cadres(rng, today, community, pool, kinds, code="deputy_secretary")
        _lost_contact(rng, today, communities)
        _death(today, communities[1])


def _duties(rng, today, members):
    for i, member in enumerate(members):
        title, description = (MODEL_POSTS[0] if i == 0 else rng.choice(DUTIES))
        start = datetime.date(today.year, rng.randint(1, 3), rng.randint(1, 28))
        post = services.duty_post_create(actor=None, member=member, title=title, description=description,
                                         is_model_post=i == 0, started_on=start)
        review_on = datetime.date(today.year, 7, rng.randint(1, 28))
        if review_on <= today:
            rating = rng.choices([ReviewRating.GOOD, ReviewRating.FAIR, ReviewRating.POOR], [7, 2, 1])[0]
            followups.duty_post_review(actor=None, post=post, reviewed_on=review_on, rating=rating,
                                       comment=rng.choice(REVIEW_COMMENTS[rating]), reviewer="支部委员会")
    if members:
        # A duty of last year that ended with the year.
        old = services.duty_post_create(actor=None, member=members[-1], title="疫情防控志愿岗",
                                        description="协助做好小区出入管理", started_on=datetime.date(today.year - 1, 3, 1))
        followups.duty_post_end(actor=None, post=old, ended_on=datetime.date(today.year - 1, 12, 31), note="任务完成")


def _pledges(rng, today, members):
    for member in members:
        pledge = services.pledge_create(actor=None, member=member, year=today.year, content=rng.choice(PLEDGES))
        for month in sorted(rng.sample(range(3, max(today.month, 4)), k=min(2, max(today.month - 3, 0)))):
            followups.pledge_progress_add(actor=None, pledge=pledge, on=datetime.date(today.year, month, rng.randint(1, 28)),
                                          note=rng.choice(PROGRESS))
        last = services.pledge_create(actor=None, member=member, year=today.year - 1, content=rng.choice(PLEDGES))
        kept = rng.random() < 0.85
        followups.pledge_conclude(actor=None, pledge=last, kept=kept, on=datetime.date(today.year - 1, 12, 20),
                                  note="经支部党员大会评议，承诺事项全部兑现" if kept else "因长期外出务工，部分承诺未能兑现")


def _cadres(rng, today, organization, members, kinds, code=None):
    for member in members:
        kind = kinds[code or rng.choice(["secretary", "organization_member", "propaganda_member"])]
        added = datetime.date(today.year - 1, rng.randint(3, 10), rng.randint(1, 28))
        cadre = cadres.reserve_cadre_add(actor=None, organization=organization, member=member, intended_kind=kind,
                                         added_on=added, note="群众基础好，热心社区事务，经党员推荐、支委会研究纳入后备人才库")
        for course, hours, organizer in rng.sample(TRAININGS, k=2):
            on = added + datetime.timedelta(days=rng.randint(20, 300))
            if on <= today:
                cadres.cadre_training_add(actor=None, cadre=cadre, on=on, course=course, hours=hours, organizer=organizer)
        cadres.cadre_evaluation_add(actor=None, cadre=cadre, on=datetime.date(today.year - 1, 12, 25), year=today.year - 1,
                                    grade=rng.choice([CadreGrade.EXCELLENT, CadreGrade.COMPETENT, CadreGrade.COMPETENT]),
                                    comment="政治立场坚定，工作积极主动，群众认可度高", evaluator="社区党委")


def _search(rng, case, days):
    for n, day in enumerate(days):
        method, result = SEARCHES[n % len(SEARCHES)]
        lost_contact.lost_contact_search(actor=None, case=case, on=day, method=method, result=result,
                                         searched_by="支部书记、网格员")


def _lost_contact(rng, today, communities):
    """Cases at every stage: members the register already marks as lost contact get their
    missing case; a recent one; one the branch may now suspend; one suspended two years ago."""
    area = Q(pk__in=[])
    for community in communities:
        area |= Q(organization__path__startswith=community.path)
    in_area = Member.objects.without_protected().filter(area, user__isnull=True)
    for member in in_area.filter(status=MemberStatus.LOST_CONTACT).select_related("organization")[:4]:
        case = lost_contact.lost_contact_open(actor=None, member=member, since=add_months(today, -4),
                                              note="登记为失联党员，补建查找台账")
        _search(rng, case, [add_months(today, -3), add_months(today, -1) - datetime.timedelta(days=10)])
    full = list(in_area.filter(status=MemberStatus.FULL, cadre_entries__isnull=True, duty_posts__isnull=True,
                               posts__isnull=True, category="employed").select_related("organization")
                .order_by("id")[:3])
    if len(full) < 3:
        return
    recent, ready, old = full
    case = lost_contact.lost_contact_open(actor=None, member=recent, since=today - datetime.timedelta(days=45),
                                          note="外出务工后更换手机号码，支部多次联系未果")
    _search(rng, case, [today - datetime.timedelta(days=40)])
    case = lost_contact.lost_contact_open(actor=None, member=ready, since=add_months(today, -7),
                                          note="租住房屋到期后搬离，未告知新住址")
    _search(rng, case, [add_months(today, -6), add_months(today, -5), add_months(today, -3), today - datetime.timedelta(days=12)])
    since = add_months(today, -33)
    case = lost_contact.lost_contact_open(actor=None, member=old, since=since, note="长期在外地，与支部失去联系")
    _search(rng, case, [add_months(since, 1), add_months(since, 3), add_months(since, 5)])
    lost_contact.lost_contact_handle(actor=None, case=case, on=add_months(since, 7),
                                     decision="失去联系6个月以上，经多方查找仍无音讯，经支部党员大会讨论，予以停止党籍",
                                     document=f"{old.organization.name}关于停止{old.name}同志党籍的决定")
    _search(rng, case, [add_months(since, 12), add_months(since, 24)])


def _death(today, community):
    member = (Member.objects.without_protected().filter(
        organization__path__startswith=community.path, status=MemberStatus.FULL, user__isnull=True,
        category="retired", posts__isnull=True, cadre_entries__isnull=True, lost_contact_cases__isnull=True)
        .select_related("organization").order_by("birth_date").first())
    if member is None:
        return
    standing.member_status_change(actor=None, member=member, to=MemberStatus.DIED,
                                  effective_on=today - datetime.timedelta(days=38), reason="因病医治无效逝世",
                                  document="家属提供的死亡证明")
