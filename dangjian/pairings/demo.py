"""Demo pairings and hardship funds for 滨河社区 of 江滨街道: members of the first branch and one
unit paired with tagged households of the community's first grid, visits over the past months,
and a mutual-aid fund with a year of donations and payments."""
import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.grid.models import Household
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import EntryDirection, FundKind, HelpKind
from .models import Fund
from .services import fund_create, fund_entry_add, pairing_create, pairing_visit_record

GOALS = ["每周电话问候一次，每月上门一次，帮助解决就医和生活难题。", "协助办理低保和医保报销，节日上门慰问。",
         "陪同就医，帮助联系社区卫生服务中心上门体检。"]
FOUND = ["老人身体尚可，冰箱里菜不多，需要帮助采购。", "最近腰疼加重，需要陪同去医院复查。",
         "家中水管漏水，已联系物业维修。", "情绪较好，希望多来聊聊天。"]


def build_demo(*, seed: int = 1, today: datetime.date | None = None):
    """Three pairings, their visits and the community's mutual-aid fund (idempotent: skipped when the
    fund already exists)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    community = Organization.objects.get(name="滨河社区党委")
    branch = Organization.objects.get(name="滨河社区第一党支部")
    if Fund.objects.filter(organization=community).exists():
        return
    households = list(Household.objects.filter(building__grid__organization=community, active=True)
                      .exclude(tags="").order_by("pk")[:3])
    members = list(Member.objects.on_roll().without_protected().filter(organization=branch).order_by("pk")[:2])
    with transaction.atomic():
        pairings = []
        for i, household in enumerate(households):
            start = today - datetime.timedelta(days=200 - 30 * i)
            if i < len(members):
                pairings.append(pairing_create(actor=None, organization=branch, member=members[i],
                                               household=household, started_on=start, goals=GOALS[i % len(GOALS)]))
            else:
                pairings.append(pairing_create(actor=None, organization=community, unit_name="滨河物业公司党支部",
                                               household=household, started_on=start, goals=GOALS[i % len(GOALS)]))
        for pairing in pairings:
            day = pairing.started_on
            while (day := day + datetime.timedelta(days=rng.randint(25, 40))) <= today:
                kind = rng.choice(HelpKind.values)
                pairing_visit_record(actor=None, pairing=pairing, visited_on=day, found=rng.choice(FOUND),
                                     help_kind=kind, visitor_name=pairing.helper_name,
                                     amount=Decimal(rng.choice([200, 300, 500])) if kind == HelpKind.MONEY else None)
        fund = fund_create(actor=None, organization=community, kind=FundKind.MUTUAL_AID, name="滨河社区党内互助金")
        fund_create(actor=None, organization=community, kind=FundKind.EMERGENCY, name="滨河社区急难帮困专项资金")
        year_start = datetime.date(today.year, 1, 1)
        fund_entry_add(actor=None, fund=fund, direction=EntryDirection.INCOME, entry_date=year_start
                       + datetime.timedelta(days=40), amount=Decimal("6800.00"), counterparty="党员自愿捐款",
                       approved_by="社区党委")
        fund_entry_add(actor=None, fund=fund, direction=EntryDirection.INCOME, entry_date=year_start
                       + datetime.timedelta(days=180), amount=Decimal("5000.00"), counterparty="江滨街道党工委拨款",
                       approved_by="社区党委")
        for i, pairing in enumerate(pairings):
            day = min(today, pairing.started_on + datetime.timedelta(days=45))
            fund_entry_add(actor=None, fund=fund, direction=EntryDirection.PAYMENT, entry_date=day,
                           amount=Decimal(800 + 200 * i), counterparty=f"{pairing.household.building.name}困难户",
                           approved_by="社区党委书记", pairing=pairing, note="结对帮扶补助")
