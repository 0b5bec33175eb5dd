"""Demo data of the contacts part: instructors for firms without an organization appointed by
江滨街道, two liaisons, four contact leaders from the street's leadership with contact logs, some
of whose problems are still open. Firms come from the firm register's demo; nothing is added
without them. Run once after ``seed_demo`` built the city."""
from __future__ import annotations

import datetime

from dangjian.members.models import Member
from dangjian.organizations.models import LeadershipPost, Organization

from .models import Assignment, Firm
from .selectors import with_coverage
from .services_contacts import assignment_create, contact_log_add, contact_log_solve
from .services_firms import firm_update

STREET = "中共临江市江滨街道工作委员会"
INSTRUCTORS = ["王建华", "刘红梅", "陈志强", "杨秀英", "赵国庆", "黄丽娟"]
LIAISONS = ["周晓燕", "吴海涛"]
TOPICS = [("走访了解生产经营和党员情况", "两名党员组织关系仍在老家，未转入"), ("座谈宣讲党建政策", ""),
          ("指导建立党员活动室", "缺少活动场地"), ("了解用工需求", "招工难，希望社区帮助对接"),
          ("回访上次反映的问题", ""), ("推荐入党积极分子", "")]


def build(*, today: datetime.date) -> None:
    from dangjian.accounts.models import User

    actor = User.objects.filter(is_superuser=True).order_by("id").first()
    street = Organization.objects.filter(name=STREET).first()
    if actor is None or street is None or Assignment.objects.filter(appointed_by=street).exists():
        return
    firms = list(with_coverage(Firm.objects.filter(area_organization__path__startswith=street.path), today)
                 .select_related("unit", "area_organization").order_by("unit__name"))
    uncovered = [f for f in firms if not f.has_own and not f.has_joint]
    if not firms:
        return
    start = today - datetime.timedelta(days=300)
    for firm, name in zip(uncovered[:6], INSTRUCTORS, strict=False):
        assignment_create(actor=actor, firm=firm, appointed_by=street, role="instructor", name=name,
                          title="街道党建指导员", started_on=start)
    for firm, name in zip(uncovered[6:8], LIAISONS, strict=False):
        assignment_create(actor=actor, firm=firm, appointed_by=street, role="liaison", name=name,
                          title="社区党的工作联络员", started_on=start)
    # The street's own leaders where the demo has them, else the secretaries nearest below it; the
    # demo's branch secretary (persona ``branch``) contacts one key firm too, to show "my firms".
    persona = Member.objects.filter(user__username="branch").first()
    leaders = [persona] if persona else []
    leaders += [p.member for p in LeadershipPost.objects.filter(
        organization__path__startswith=street.path, member__isnull=False, ended_on__isnull=True)
        .exclude(member=persona).select_related("member").order_by("organization__depth", "id")[:4 - len(leaders)]]
    key_firms = sorted(firms, key=lambda f: -(f.employees or 0))[:4]
    for n, (firm, leader) in enumerate(zip(key_firms, leaders, strict=False)):
        assignment = assignment_create(actor=actor, firm=firm, appointed_by=street, role="leader", member=leader,
                                       title="街道领导干部联系点", started_on=start)
        firm_update(actor=actor, firm=firm, is_key=True)
        for k in range(3):
            topic, problems = TOPICS[(n + k) % len(TOPICS)]
            day = today - datetime.timedelta(days=200 - 60 * k - 25 * n)
            log = contact_log_add(actor=actor, assignment=assignment, contacted_on=day, topic=topic,
                                  problems=problems, today=today)
            if problems and k == 0:
                contact_log_solve(actor=actor, log=log, solution="已协调相关部门办理",
                                  solved_on=day + datetime.timedelta(days=14), today=today)

