"""Demo records of hardship and care for the first communities of the demo city.

Members the demo roster marks as in hardship get a case (so the mark matches the records), a
few more retired members are registered, support is recorded over the past months (some cases
left without help for a while, so follow-up alerts show), and this year's festival visits are
recorded for most of the care list (some left out, so the list shows who is still to visit).
"""
import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.members.choices import Category
from dangjian.organizations.models import Organization

from .choices import FESTIVALS, FundingSource, HardshipKind, Occasion, SupportKind
from .selectors import care_candidates, care_rules, festival_date
from .services import care_visits_record, hardship_case_close, hardship_case_open, support_record

SITUATIONS = {
    HardshipKind.ILLNESS: ["本人患尿毒症，每周透析三次，医疗费用负担较重。", "去年突发脑梗，康复治疗中，行动不便。",
                           "确诊恶性肿瘤，正在化疗，家中积蓄已基本用完。"],
    HardshipKind.DISABILITY: ["因病致残（肢体二级），生活需要人照料。", "视力残疾，出行困难，需要定期上门帮扶。"],
    HardshipKind.LOW_INCOME: ["家庭人均收入低于本市低保标准，配偶无固定收入。", "退休金较低，还需赡养年迈父母。"],
    HardshipKind.ELDERLY_ALONE: ["独居高龄，子女在外地工作，日常起居需要照应。", "老伴去世后独自生活，腿脚不便，很少下楼。"],
    HardshipKind.DISASTER: ["家中突发火灾，房屋受损，生活用品缺乏。"],
    HardshipKind.UNEMPLOYMENT: ["所在企业停产，本人失业，子女仍在上学。"],
}
GOODS = ["米、油各一份", "棉被一床、米面粮油", "轮椅一台", "慰问品（牛奶、水果）", "冬衣两件"]
SERVICES = ["协助办理医保异地报销", "帮助申请城市低保", "联系社区卫生服务中心上门体检", "协助办理残疾证"]
VISITORS = ["社区党委书记、支部书记", "支部书记、组织委员", "社区党委副书记、网格员", "街道党工委委员、社区党委书记"]
OUTCOMES = ["病情稳定，已重新就业，家庭收入恢复。", "已纳入城市低保，基本生活有保障。"]


def build_demo(*, seed: int = 1, communities=("滨河社区党委", "望江社区党委")):
    """Hardship cases, support and care visits for the branches of the named communities."""
    rng = random.Random(seed)
    today = timezone.localdate()
    branches = [b for name in communities for b in Organization.objects.get(name=name).subtree()
                .filter(org_type="branch").order_by("path")]
    with transaction.atomic():
        for index, branch in enumerate(branches):
            members = list(branch.members.on_roll().without_protected().select_related("organization").order_by("pk"))
            flagged = [m for m in members if m.in_hardship]
            retired = [m for m in members if not m.in_hardship and m.category == Category.RETIRED]
            chosen = flagged + rng.sample(retired, k=min(len(retired), 1 + (index % 2)))
            left_alone = set()
            for number, member in enumerate(chosen):
                stale = number == 0 and index % 3 == 0
                _case(rng, member, today, stale=stale, close=number == 1 and index % 2 == 0)
                if stale:
                    left_alone.add(member.pk)
            _festival_visits(rng, branch, today, skip=left_alone)


def _case(rng, member, today, *, stale: bool, close: bool):
    kinds = rng.sample([HardshipKind.ILLNESS, HardshipKind.LOW_INCOME, HardshipKind.ELDERLY_ALONE,
                        HardshipKind.DISABILITY, HardshipKind.UNEMPLOYMENT], k=rng.choice([1, 1, 2]))
    if member.category == Category.RETIRED and member.age(today) >= 75 and HardshipKind.ELDERLY_ALONE not in kinds:
        kinds.append(HardshipKind.ELDERLY_ALONE)
    opened = today - datetime.timedelta(days=rng.randint(150, 420) if stale or close else rng.randint(20, 300))
    since = opened - datetime.timedelta(days=rng.randint(10, 400))
    case = hardship_case_open(actor=None, member=member, kinds=kinds, since=since, on=opened,
                              situation=" ".join(rng.choice(SITUATIONS[k]) for k in kinds))
    last = today - datetime.timedelta(days=120) if stale else today
    day = opened
    for _ in range(rng.randint(1, 4)):
        day = day + datetime.timedelta(days=rng.randint(7, 60))
        if day > last:
            break
        kind = rng.choice([SupportKind.MONEY, SupportKind.MONEY, SupportKind.GOODS, SupportKind.VISIT, SupportKind.SERVICE])
        support_record(
            actor=None, case=case, given_on=day, kind=kind, given_by_organization=member.organization,
            amount=Decimal(rng.choice([300, 500, 800, 1000, 2000])) if kind == SupportKind.MONEY else None,
            goods=rng.choice(GOODS) if kind == SupportKind.GOODS else "",
            given_by=rng.choice(VISITORS), note=rng.choice(SERVICES) if kind == SupportKind.SERVICE else "",
            funding_source=FundingSource.CARE_FUND if kind in (SupportKind.MONEY, SupportKind.GOODS) else "",
        )
    if close:
        hardship_case_close(actor=None, case=case, closed_on=min(today, day + datetime.timedelta(days=30)),
                            outcome=rng.choice(OUTCOMES))


def _festival_visits(rng, branch, today, skip):
    """This year's festival visits that are past, to most of the care list (never to ``skip``: members
    left without help, so that the follow-up alert shows)."""
    rules = care_rules(branch, today)
    for occasion in FESTIVALS:
        day = festival_date(rules, occasion, today.year)
        if day is None or day > today:
            continue
        listed = list(care_candidates(branch, rules, day).select_related("organization").order_by("pk"))
        visited = [m for m in listed if rng.random() < 0.85 and m.pk not in skip]
        if visited:
            care_visits_record(actor=None, members=visited, occasion=occasion,
                               visited_on=day - datetime.timedelta(days=rng.randint(1, 6)),
                               visitors=rng.choice(VISITORS), gifts=rng.choice(GOODS),
                               amount=Decimal(rng.choice([200, 300, 500])) if occasion != Occasion.JULY_FIRST else None)
