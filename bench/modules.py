"""Records of the remaining modules on top of the large data set, for the pages ``bench.run`` measures.

Added by ``bench.run`` (like :mod:`bench.records`) when their tables are empty, each part on its own,
deterministic for a seed and day, written with PostgreSQL ``COPY`` (``bulk_create`` elsewhere), no
audit entry each. Proportionate to the organizer's sub-district (江滨街道, about 100,000 members on
the roll and some 200 communities), where the measured pages look:

* :func:`fill_attendance`: the attendance of this year's recorded meetings of the sub-district (its
  members present, on leave or absent) and the study hours the present earned (as ``meeting_record``
  credits them), so that meeting details and study hours are real;
* :func:`fill_audit`: a year of audit entries across the city, about one per member (what a year of
  edits, moves, dues and meetings leaves), dated over the year;
* :func:`fill_care`: hardship cases for 2% of the sub-district's members with support given, and
  this year's care visits to about a tenth of them;
* :func:`fill_volunteers`: a volunteer team per community of its members, activities about weekly
  this year, with needs, sign-ups and service hours;
* :func:`fill_wishes`: about 25 small wishes a year per community in every status;
* :func:`fill_centres`: a service station per community (the sub-district's centre too) with its
  services and a record of service most working days;
* :func:`fill_notices`: notices of the city, the sub-district and each community; tasks the
  sub-district assigns to its communities with their reports; read marks and an inbox for the
  personas who oversee (organizer, community, branch);
* :func:`fill_pairings`: pairings of branches and their members with the grid demo's households
  (about two in five), each visited about monthly; the grid demo (``dangjian.grid.demo``) is built
  first when there is none.
"""
from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from bench.records import _copy, organizer_street
from bench.scale import copy_rows, say
from dangjian.members.choices import ON_ROLL
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_TYPES, OrgType
from dangjian.organizations.models import Organization

NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _save(model, objs: list) -> list:
    """Write unsaved instances with ids given here (after the highest in use); sequences moved on."""
    if not objs:
        return objs
    next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    for i, obj in enumerate(objs):
        obj.pk = next_id + i
    if _pg():
        copy_rows(model, objs, with_pk=True)
    else:
        model.objects.bulk_create(objs, batch_size=500)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)
    return objs


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def communities(root: Organization) -> list[Organization]:
    """The organizations directly above the branches of ``root``'s subtree (communities, villages),
    by path."""
    paths = {p[:-Organization.steplen] for p in Organization.objects.filter(
        path__startswith=root.path, org_type__in=BRANCH_TYPES).values_list("path", flat=True)}
    return list(Organization.objects.filter(path__in=paths).order_by("path"))


def _on_roll(root: Organization):
    """(id, organization id, party group id, name) of the members on the roll under ``root``, by id."""
    return list(Member.objects.filter(status__in=ON_ROLL, organization__path__startswith=root.path)
                .order_by("pk").values_list("pk", "organization_id", "party_group_id", "name"))


# --- attendance and study hours ---------------------------------------------------------------

def fill_attendance(*, root: Organization, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """Attendance of the recorded meetings of this year under ``root`` and the study hours credited;
    returns how many attendance rows were written."""
    from dangjian.organizations.models import LeadershipPost
    from dangjian.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus, StudySource
    from dangjian.orglife.models import Attendance, Meeting, StudyRecord

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    by_org, by_group = defaultdict(list), defaultdict(list)
    for pk, org_id, group_id, _name in _on_roll(root):
        by_org[org_id].append(pk)
        if group_id:
            by_group[group_id].append(pk)
    committee = defaultdict(list)
    for org_id, member_id in (LeadershipPost.objects.filter(organization__path__startswith=root.path,
                                                            term_end__gte=today)
                              .order_by("pk").values_list("organization_id", "member_id")):
        committee[org_id].append(member_id)
    meetings = (Meeting.objects.filter(organization__path__startswith=root.path, status=MeetingStatus.RECORDED,
                                       starts_at__year=today.year)
                .order_by("pk").values_list("pk", "organization_id", "kind", "starts_at", "topic", "study_hours",
                                            "rule_version"))
    reasons = ["外出务工", "身体原因", "工作冲突", "照顾家人"]
    attendance, study = [], []
    written = 0

    def flush():
        nonlocal written
        written += _copy(Attendance, ["meeting_id", "member_id", "status", "leave_reason", "voting", "self_signed"],
                         attendance)
        _copy(StudyRecord, ["member_id", "on", "hours", "source", "meeting_id", "title", "rule_version"], study)
        attendance.clear()
        study.clear()

    for pk, org_id, kind, starts_at, topic, hours, version in meetings.iterator(chunk_size=5000):
        if kind == MeetingKind.GROUP_MEETING:
            invited = by_group.get(org_id, [])
        elif kind == MeetingKind.COMMITTEE_MEETING:
            invited = committee.get(org_id, [])
        else:
            invited = by_org.get(org_id, [])
        day = timezone.localtime(starts_at).date()
        for member_id in invited:
            roll = rng.random()
            status = AttendanceStatus.PRESENT if roll < 0.86 else AttendanceStatus.LEAVE if roll < 0.95 \
                else AttendanceStatus.ABSENT
            attendance.append((pk, member_id, status, rng.choice(reasons) if status == AttendanceStatus.LEAVE else "",
                               True, False))
            if status == AttendanceStatus.PRESENT and hours:
                study.append((member_id, day, hours, StudySource.MEETING, pk, topic, version))
        if len(attendance) >= 200_000:
            flush()
            say(stdout, f"  attendance {written:,} ({time.monotonic() - started:,.0f} s)")
    flush()
    say(stdout, f"{written:,} attendance rows and their study hours for {root.name} added in "
                f"{time.monotonic() - started:,.0f} s")
    return written


# --- audit ------------------------------------------------------------------------------------

AUDIT_ACTIONS = [("member.updated", 30), ("member.created", 6), ("member.moved", 4), ("member.revealed", 3),
                 ("dues.payment_recorded", 25), ("meeting.recorded", 12), ("meeting.planned", 12),
                 ("member.exported", 2), ("organization.updated", 2), ("member.status_changed", 4)]


def fill_audit(*, seed: int, per_member: float = 1.0, stdout=None, today: datetime.date | None = None) -> int:
    """About ``per_member`` audit entries per member across the city this past year, each naming the
    member's branch; returns how many were written."""
    from django.contrib.contenttypes.models import ContentType

    from dangjian.core.models import AuditEntry

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    ct = ContentType.objects.get_for_model(Member).pk
    actions, weights = zip(*AUDIT_ACTIONS, strict=True)
    tz_now = timezone.now()
    rows = []
    written = 0
    json = dict
    if _pg():
        from psycopg.types.json import Jsonb

        json = Jsonb
    members = Member.objects.order_by("pk").values_list("pk", "organization_id", "name")
    for pk, org_id, name in members.iterator(chunk_size=20_000):
        count = int(per_member) + (rng.random() < per_member % 1)
        for _ in range(count):
            at = tz_now - datetime.timedelta(seconds=rng.randrange(365 * 86400))
            action = rng.choices(actions, weights=weights)[0]
            rows.append((at, f"{rng.choice(NAMES)}书记", action, ct, str(pk), name, org_id,
                         json({}), ""))
        if len(rows) >= 100_000:
            written += _copy(AuditEntry, ["at", "actor_name", "action", "content_type_id", "object_id",
                                          "object_repr", "organization_id", "changes", "note"], rows)
            rows.clear()
    written += _copy(AuditEntry, ["at", "actor_name", "action", "content_type_id", "object_id", "object_repr",
                                  "organization_id", "changes", "note"], rows)
    say(stdout, f"{written:,} audit entries added in {time.monotonic() - started:,.0f} s")
    return written


# --- care -------------------------------------------------------------------------------------

def fill_care(*, root: Organization, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """Hardship cases (2% of the members on the roll under ``root``), support and this year's visits;
    returns how many cases were written."""
    from dangjian.care.choices import CaseStatus, FundingSource, HardshipKind, Occasion, SupportKind
    from dangjian.care.models import CareVisit, HardshipCase, SupportRecord

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    members = _on_roll(root)
    kinds = [k for k in HardshipKind.values]
    cases, supports, visits = [], [], []
    for pk, _org, _group, _name in members:
        if rng.random() < 0.02:
            opened = today - datetime.timedelta(days=rng.randint(10, 900))
            closed = rng.random() < 0.3
            chosen = sorted(set(rng.sample(kinds, rng.choice((1, 1, 2)))))
            cases.append(HardshipCase(
                member_id=pk, kinds="," + ",".join(chosen) + ",", situation="家庭收入低，需长期照顾病人。",
                since=opened - datetime.timedelta(days=rng.randint(0, 300)), opened_on=opened,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_on=min(today, opened + datetime.timedelta(days=rng.randint(30, 300))) if closed else None,
                outcome="困难已缓解" if closed else ""))
        if rng.random() < 0.1:
            occasion = rng.choice([Occasion.SPRING_FESTIVAL, Occasion.JULY_FIRST, Occasion.MID_AUTUMN,
                                   Occasion.DOUBLE_NINTH])
            visited = min(today, datetime.date(today.year, rng.randint(1, 12), rng.randint(1, 28)))
            visits.append(CareVisit(member_id=pk, occasion=occasion, year=today.year, visited_on=visited,
                                    visitors="社区党委书记、网格员", gifts="米、油", amount=Decimal(rng.choice([200, 300, 500]))))
    _save(HardshipCase, cases)
    for case in cases:
        day = case.opened_on
        while (day := day + datetime.timedelta(days=rng.randint(40, 120))) <= (case.closed_on or today):
            kind = rng.choice(SupportKind.values)
            supports.append(SupportRecord(
                case_id=case.pk, given_on=day, kind=kind,
                amount=Decimal(rng.choice([300, 500, 1000])) if kind == SupportKind.MONEY else None,
                goods="米、油、被褥" if kind == SupportKind.GOODS else "", given_by="社区党委",
                funding_source=rng.choice(FundingSource.values) if kind == SupportKind.MONEY else ""))
    _save(SupportRecord, supports)
    _save(CareVisit, visits)
    say(stdout, f"{len(cases):,} hardship cases, {len(supports):,} support records and {len(visits):,} care "
                f"visits added in {time.monotonic() - started:,.0f} s")
    return len(cases)


# --- volunteers -------------------------------------------------------------------------------

def fill_volunteers(*, root: Organization, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """A team per community under ``root`` with 30 of its members, activities about weekly this year,
    sign-ups and hours; returns how many sign-ups were written."""
    from dangjian.volunteers.choices import ActivityStatus, SignUpStatus
    from dangjian.volunteers.models import ActivityNeed, SignUp, Volunteer, VolunteerActivity, VolunteerTeam

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    units = communities(root)
    members = defaultdict(list)
    paths = dict(Organization.objects.filter(path__startswith=root.path).values_list("pk", "path"))
    unit_of = {}
    for unit in units:
        unit_of[unit.path] = unit.pk
    for pk, org_id, _group, name in _on_roll(root):
        unit_id = unit_of.get(paths[org_id][:-Organization.steplen])
        if unit_id and len(members[unit_id]) < 30:
            members[unit_id].append((pk, name))
    teams = _save(VolunteerTeam, [VolunteerTeam(organization_id=u.pk, name=f"{(u.short_name or u.name)[:20]}先锋志愿服务队",
                                                kind="service", description="党员带头，居民参与。") for u in units])
    volunteers = defaultdict(list)
    vols = []
    for team in teams:
        for pk, name in members.get(team.organization_id, []):
            vols.append(Volunteer(team_id=team.pk, member_id=pk, name=name,
                                  joined_on=datetime.date(today.year - 1, rng.randint(1, 12), 1)))
    _save(Volunteer, vols)
    for vol in vols:
        volunteers[vol.team_id].append(vol.pk)
    activities = []
    for team in teams:
        day = datetime.date(today.year, 1, 1) + datetime.timedelta(days=rng.randint(0, 6))
        while day <= today + datetime.timedelta(days=21):
            status = ActivityStatus.HELD if day < today else ActivityStatus.PLANNED
            if status == ActivityStatus.HELD and rng.random() < 0.04:
                status = ActivityStatus.CANCELLED
            activities.append(VolunteerActivity(
                team_id=team.pk, title=rng.choice(["清洁家园", "敬老助老", "文明劝导", "垃圾分类宣传", "义诊义剪"]),
                place="社区广场", date=day, start_time=datetime.time(9), end_time=datetime.time(11, 30), status=status,
                checkin_code=f"{rng.randrange(10**6):06d}"))
            day += datetime.timedelta(days=rng.randint(5, 10))
    _save(VolunteerActivity, activities)
    needs = _save(ActivityNeed, [ActivityNeed(activity_id=a.pk, role="志愿者", start_time=datetime.time(9),
                                              end_time=datetime.time(11, 30), quantity=12) for a in activities])
    status_of = {a.pk: (a.status, a.date, a.team_id) for a in activities}
    rows = []
    for need in needs:
        status, day, team_id = status_of[need.activity_id]
        if status == ActivityStatus.CANCELLED:
            continue
        pool = volunteers.get(team_id, [])
        for vol_id in rng.sample(pool, min(len(pool), rng.randint(6, 12))):
            queued = _aware(day - datetime.timedelta(days=rng.randint(1, 7)), 20)
            if status == ActivityStatus.PLANNED:
                rows.append((need.pk, vol_id, SignUpStatus.SIGNED_UP, queued, None, None, Decimal(0)))
            elif rng.random() < 0.08:
                rows.append((need.pk, vol_id, SignUpStatus.NO_SHOW, queued, None, None, Decimal(0)))
            else:
                rows.append((need.pk, vol_id, SignUpStatus.CHECKED_OUT, queued, _aware(day, 9),
                             _aware(day, 11, 30), Decimal("2.5")))
    written = _copy(SignUp, ["need_id", "volunteer_id", "status", "queued_at", "checked_in_at", "checked_out_at",
                             "hours"], rows)
    say(stdout, f"{len(teams):,} volunteer teams, {len(vols):,} volunteers, {len(activities):,} activities and "
                f"{written:,} sign-ups added in {time.monotonic() - started:,.0f} s")
    return written


# --- wishes -----------------------------------------------------------------------------------

def fill_wishes(*, root: Organization, seed: int, per_unit: int = 25, stdout=None,
                today: datetime.date | None = None) -> int:
    """About ``per_unit`` wishes this year per community under ``root`` in every status."""
    from dangjian.wishes.choices import WishCategory, WishStatus
    from dangjian.wishes.models import Wish

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    texts = ["想要一台收音机", "希望有人陪我去医院复查", "孩子需要一套学习用书", "家里水龙头漏水想请人修",
             "想要一副老花镜", "希望有人帮忙打扫房间", "想学用智能手机"]
    weights = {WishStatus.SUBMITTED: 8, WishStatus.PUBLISHED: 20, WishStatus.CLAIMED: 12, WishStatus.FULFILLED: 25,
               WishStatus.THANKED: 25, WishStatus.REJECTED: 4, WishStatus.EXPIRED: 6}
    statuses, w = zip(*weights.items(), strict=True)
    wishes = []
    now = timezone.now()
    for unit in communities(root):
        for _ in range(per_unit):
            status = rng.choices(statuses, weights=w)[0]
            made = today - datetime.timedelta(days=rng.randint(0, today.timetuple().tm_yday - 1))
            claimed = status in (WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.THANKED)
            wish = Wish(organization_id=unit.pk, surname=rng.choice(NAMES), honorific=rng.choice(["ms", "mr"]),
                        text=rng.choice(texts), category=rng.choice(WishCategory.values),
                        estimated_value=Decimal(rng.choice([30, 50, 80, 100, 150])),
                        expires_on=made + datetime.timedelta(days=60), status=status,
                        claimed_unit="临江华信科技有限公司党支部" if claimed else "",
                        claimed_at=_aware(made + datetime.timedelta(days=5), 10) if claimed else None,
                        fulfilled_at=_aware(made + datetime.timedelta(days=15), 10)
                        if status in (WishStatus.FULFILLED, WishStatus.THANKED) else None,
                        thanks="谢谢党组织的关心！" if status == WishStatus.THANKED else "")
            wish.created_at = wish.updated_at = now
            wishes.append(wish)
    _save(Wish, wishes)
    created = {w.pk: _aware(w.expires_on - datetime.timedelta(days=60), 9) for w in wishes}
    with connection.cursor() as cursor:  # auto_now_add set them to now; spread them over the year
        cursor.executemany("UPDATE wishes_wish SET created_at = %s WHERE id = %s",
                           [(at, pk) for pk, at in created.items()])
    say(stdout, f"{len(wishes):,} wishes added in {time.monotonic() - started:,.0f} s")
    return len(wishes)


# --- service centres --------------------------------------------------------------------------

def fill_centres(*, root: Organization, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """A station per community under ``root`` and a centre for ``root``, four services each and a
    record of service most working days of this year; returns how many records were written."""
    from dangjian.centres.choices import CentreKind, Outcome
    from dangjian.centres.models import ServiceCentre, ServiceItem, ServiceRecord

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    units = [root, *communities(root)]
    centres = _save(ServiceCentre, [ServiceCentre(
        name=f"{(u.short_name or u.name)[:30]}党群服务{'中心' if u is root else '站'}",
        kind=CentreKind.CENTRE if u is root else CentreKind.STATION, organization_id=u.pk,
        address="临江市江滨街道", phone="0571-8800" + f"{i:04d}"[-4:]) for i, u in enumerate(units)])
    through = ServiceCentre.coverage.through
    _copy(through, ["servicecentre_id", "organization_id"], [(c.pk, c.organization_id) for c in centres])
    names = ["党员组织关系转接", "政策咨询", "困难帮扶申请", "志愿服务报名"]
    items = _save(ServiceItem, [ServiceItem(centre_id=c.pk, name=n, duration=30, capacity=2)
                                for c in centres for n in names])
    by_centre = defaultdict(list)
    for item in items:
        by_centre[item.centre_id].append(item.pk)
    records = []
    for centre in centres:
        day = datetime.date(today.year, 1, 2)
        while day <= today:
            if day.weekday() < 5 and rng.random() < 0.8:
                records.append(ServiceRecord(centre_id=centre.pk, item_id=rng.choice(by_centre[centre.pk]),
                                             served_on=day, handled_by="值班社工", summary="来访群众咨询，已当场答复。",
                                             outcome=rng.choices(Outcome.values, weights=[80, 10, 10])[0]))
            day += datetime.timedelta(days=1)
    _save(ServiceRecord, records)
    say(stdout, f"{len(centres):,} service centres, {len(items):,} services and {len(records):,} records added "
                f"in {time.monotonic() - started:,.0f} s")
    return len(records)


# --- notices ----------------------------------------------------------------------------------

def fill_notices(*, root: Organization, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """Notices of the city, ``root`` and its communities; tasks ``root`` assigns to its communities
    with reports; read marks and inbox messages of the overseeing personas. Returns notices written."""
    from dangjian.accounts.models import User
    from dangjian.notices.choices import ReportStatus
    from dangjian.notices.models import Assignment, AssignmentReport, Notice, NoticeRead, Notification

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    days = (today - year_start).days or 1
    city = Organization.objects.get_root_nodes().first()
    units = communities(root)
    issuers = [(city, 150), (root, 400)] + [(u, 20) for u in units]
    notices = []
    for org, count in issuers:
        for n in range(count * days // 365 or 1):
            at = _aware(year_start + datetime.timedelta(days=rng.randrange(days)), rng.randint(8, 18))
            notices.append(Notice(organization_id=org.pk, title=f"关于做好第{n + 1}项工作的通知",
                                  body="请各党组织认真组织学习，按时完成。", published_at=at, to_subtree=True))
    _save(Notice, notices)
    _copy(Notice.targets.through, ["notice_id", "organization_id"], [(n.pk, n.organization_id) for n in notices])
    users = {u.username: u for u in User.objects.filter(username__in=["organizer", "community", "branch", "city"])}
    reads = [(n.pk, u.pk, n.published_at + datetime.timedelta(hours=rng.randint(1, 72)))
             for u in users.values() for n in notices if rng.random() < 0.7]
    _copy(NoticeRead, ["notice_id", "user_id", "read_at"], reads)
    assignments = []
    for n in range(60 * days // 365 or 1):
        at = _aware(year_start + datetime.timedelta(days=rng.randrange(days)), 10)
        assignments.append(Assignment(organization_id=root.pk, title=f"工作任务{n + 1}：报送材料",
                                      description="请各社区党委按时报送。", due_on=at.date() + datetime.timedelta(days=14),
                                      created_at=at))
    _save(Assignment, assignments)
    _copy(Assignment.targets.through, ["assignment_id", "organization_id"],
          [(a.pk, u.pk) for a in assignments for u in units])
    _copy(AssignmentReport, ["assignment_id", "organization_id", "status", "text", "reported_at"],
          [(a.pk, u.pk, *((ReportStatus.DONE, "已完成", a.created_at + datetime.timedelta(days=rng.randint(1, 14)))
                          if a.due_on < today and rng.random() < 0.9 else (ReportStatus.OPEN, "", None)))
           for a in assignments for u in units])
    inbox = []
    for user in users.values():
        for n in rng.sample(notices, min(len(notices), 2000)):
            inbox.append((user.pk, n.title, "", f"/notices/{n.pk}/", n.published_at,
                          None if rng.random() < 0.2 else n.published_at + datetime.timedelta(hours=5)))
    _copy(Notification, ["user_id", "title", "body", "url", "created_at", "read_at"], inbox)
    say(stdout, f"{len(notices):,} notices, {len(reads):,} read marks, {len(assignments):,} tasks and "
                f"{len(inbox):,} inbox messages added in {time.monotonic() - started:,.0f} s")
    return len(notices)


# --- pairings ---------------------------------------------------------------------------------

def fill_pairings(*, root: Organization, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """Pairings of the branches (and their members) of ``root`` with about two in five households of
    the grids, visited about monthly; builds the grid demo first when no household exists."""
    from dangjian.grid.models import Household
    from dangjian.pairings.choices import HelpKind, PairingStatus
    from dangjian.pairings.models import Pairing, PairingVisit

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    if not Household.objects.exists():
        from dangjian.grid.demo import build_demo

        build_demo(seed=seed, today=today)
    households = list(Household.objects.filter(active=True, building__grid__organization__path__startswith=root.path)
                      .order_by("pk").values_list("pk", "building__grid__organization__path"))
    branches = defaultdict(list)
    for pk, path in Organization.objects.filter(path__startswith=root.path, org_type=OrgType.BRANCH) \
            .values_list("pk", "path"):
        branches[path[:-Organization.steplen]].append(pk)
    members = defaultdict(list)
    for pk, org_id, _g, _n in _on_roll(root):
        if len(members[org_id]) < 10:
            members[org_id].append(pk)
    pairings = []
    for household_id, unit_path in households:
        if rng.random() > 0.4 or not branches.get(unit_path):
            continue
        branch = rng.choice(branches[unit_path])
        start = today - datetime.timedelta(days=rng.randint(30, 700))
        ended = rng.random() < 0.15
        pairings.append(Pairing(organization_id=branch, member_id=rng.choice(members[branch]) if members[branch] else None,
                                unit_name="" if members[branch] else "共建单位党支部", household_id=household_id,
                                started_on=start, goals="每月走访一次，帮助解决实际困难。",
                                status=PairingStatus.ENDED if ended else PairingStatus.ACTIVE,
                                ended_on=today - datetime.timedelta(days=10) if ended else None))
    _save(Pairing, pairings)
    visits = []
    for pairing in pairings:
        day = pairing.started_on
        while (day := day + datetime.timedelta(days=rng.randint(25, 40))) <= (pairing.ended_on or today):
            kind = rng.choice(HelpKind.values)
            visits.append(PairingVisit(pairing_id=pairing.pk, visited_on=day, visitor_name="结对党员",
                                       found="家中情况稳定。", help_kind=kind,
                                       amount=Decimal(200) if kind == HelpKind.MONEY else None))
    _save(PairingVisit, visits)
    say(stdout, f"{len(pairings):,} pairings with {len(visits):,} visits added in {time.monotonic() - started:,.0f} s")
    return len(pairings)


def fill_modules(*, seed: int, stdout=None, today: datetime.date | None = None, only: str = "") -> list[str]:
    """Add what is missing of the records above (or of the one part ``only`` names); returns what was
    added. Run inside a transaction."""
    from dangjian.care.models import HardshipCase
    from dangjian.centres.models import ServiceCentre
    from dangjian.core.models import AuditEntry
    from dangjian.notices.models import Notice
    from dangjian.orglife.models import Attendance
    from dangjian.pairings.models import Pairing
    from dangjian.volunteers.models import VolunteerTeam
    from dangjian.wishes.models import Wish

    street = organizer_street()
    parts = [
        ("attendance", lambda: Attendance.objects.exists(), lambda: fill_attendance(root=street, seed=seed, stdout=stdout,
                                                                                  today=today)),
        ("audit", lambda: AuditEntry.objects.count() >= Member.objects.count() // 2,
         lambda: fill_audit(seed=seed, stdout=stdout, today=today)),
        ("care", lambda: HardshipCase.objects.exists(), lambda: fill_care(root=street, seed=seed, stdout=stdout,
                                                                          today=today)),
        ("volunteers", lambda: VolunteerTeam.objects.exists(),
         lambda: fill_volunteers(root=street, seed=seed, stdout=stdout, today=today)),
        ("wishes", lambda: Wish.objects.exists(), lambda: fill_wishes(root=street, seed=seed, stdout=stdout,
                                                                      today=today)),
        ("centres", lambda: ServiceCentre.objects.exists(),
         lambda: fill_centres(root=street, seed=seed, stdout=stdout, today=today)),
        ("notices", lambda: Notice.objects.exists(), lambda: fill_notices(root=street, seed=seed, stdout=stdout,
                                                                          today=today)),
        ("pairings", lambda: Pairing.objects.exists(),
         lambda: fill_pairings(root=street, seed=seed, stdout=stdout, today=today)),
    ]
    added = []
    for name, present, fill in parts:
        if only and name != only:
            continue
        if not present():
            fill()
            added.append(name)
    return added
