"""Records of the newer apps on top of the large data set: dues, recruitment files, transfers.

Added by ``bench.run`` after a restore when the tables are empty (a dump made before these apps
has none), each part on its own, deterministic for a seed and day:

* :func:`fill_dues`: for every member on the roll in one sub-district (the organizer's 江滨街道,
  about 100,000), a declaration from January of this year (or the month they joined; some
  declare again from July) and the monthly payments of this year so far, with the amount the
  rules give (``DuesRules``, so local packs apply): most paid up to last month, about a third
  this month too, 8% three or four months behind, 6% five or more;
* :func:`fill_recruitment`: recruitment files in branches drawn across the city, at every stage
  up to the talk with the upper committee (step 16; no admissions, which would create members),
  each step dated after the earliest day the rules allow, with mentors, sponsors and the public
  notice where a step needs them; a few files stopped;
* :func:`fill_transfers`: transfers, about two fifths sent from the sub-district: pending
  within the platform (some expired) and to elsewhere, received, rejected, cancelled, and
  letters received from elsewhere, each with its steps. A received transfer names the member's
  current organization as the receiving one, so no member has to move.

Rows are written with PostgreSQL ``COPY`` (``bulk_create`` elsewhere); no audit entries.
"""
from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from bench.scale import copy_rows, say
from dangjian.accounts.models import RoleAssignment
from dangjian.core import pii
from dangjian.core.demo import people
from dangjian.core.pinyin import name_pinyin
from dangjian.core.rules import RuleBook, rule
from dangjian.core.workdays import WorkCalendar
from dangjian.members.choices import ON_ROLL, Category, MemberStatus
from dangjian.members.models import Member
from dangjian.members.services import apply_protected
from dangjian.organizations.choices import OrgStatus, OrgType
from dangjian.organizations.models import Organization

APPLICANTS = 5_000
TRANSFERS = 3_000
STREET_SHARE = 0.4  # of transfers sent from the organizer's sub-district


def _copy(model, columns: list[str], rows) -> int:
    """Write plain tuples (values in database form, ``columns`` named by attribute) into ``model``'s
    table: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere (the tests' SQLite)."""
    rows = list(rows)
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500)
        return len(rows)
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


def organizer_street() -> Organization:
    return RoleAssignment.objects.select_related("organization").get(user__username="organizer").organization


# --- dues -------------------------------------------------------------------------------------

def fill_dues(*, root: Organization, seed: int, stdout=None, today: datetime.date | None = None) -> int:
    """Declarations and this year's payments for the members on the roll under ``root``; returns
    how many payments were written."""
    from dangjian.core.dates import add_months, month_start
    from dangjian.dues.calculation import DuesRules, default_basis
    from dangjian.dues.choices import DuesBasis, PaymentMethod
    from dangjian.dues.demo import BASES, NOTES, _base
    from dangjian.dues.models import DuesDeclaration, DuesPayment

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    this_month = month_start(today)
    january = datetime.date(today.year, 1, 1)
    july = datetime.date(today.year, 7, 1)
    rules = DuesRules()
    paths = dict(Organization.objects.filter(path__startswith=root.path).values_list("pk", "path"))
    members = list(Member.objects.filter(status__in=ON_ROLL, organization__path__startswith=root.path)
                   .order_by("pk").values_list("pk", "organization_id", "category", "joined_on"))
    methods, weights = list(PaymentMethod.values), [30, 10, 35, 10, 15]
    declarations, payments = [], []
    for member_id, org_id, category, joined_on in members:
        basis = default_basis(category)
        if category == Category.EMPLOYED and rng.random() < 0.08:
            basis = DuesBasis.ANNUAL_SALARY
        first = max(january, month_start(joined_on))
        if first > this_month:
            continue
        base = _base(rng, basis)
        bases = [(first, base)]
        declarations.append((member_id, basis, base, first, "年初申报", now))
        if basis in BASES and rng.random() < 0.25 and first < july:
            raised = (base * Decimal("1.06")).quantize(Decimal("1.00"))
            bases.append((july, raised))
            declarations.append((member_id, basis, raised, july, "调资后重新申报", now))
        roll = rng.random()
        last = add_months(this_month, -1)
        if roll < 0.06:
            last = add_months(this_month, -rng.randint(6, 7))  # 5+ months owed
        elif roll < 0.14:
            last = add_months(this_month, -rng.randint(4, 5))  # 3–4 months owed
        elif roll < 0.45:
            last = this_month
        month = first
        while month <= last:
            base = [b for start, b in bases if start <= month][-1]
            try:
                amount, version = rules.amount(basis, base, month, paths[org_id])
            except ValidationError:
                break
            paid_on = min(today, month + datetime.timedelta(days=rng.randint(4, 24)))
            extra = Decimal(rng.choice([50, 100, 200])) if month.month == 7 and rng.random() < 0.1 else Decimal(0)
            payments.append((member_id, org_id, month, basis, base, amount, version, amount, extra, paid_on,
                             rng.choices(methods, weights=weights)[0], rng.choice(NOTES), now))
            month = add_months(month, 1)
    _copy(DuesDeclaration, ["member_id", "basis", "base", "effective_from", "note", "declared_at"],
          declarations)
    written = _copy(DuesPayment, ["member_id", "organization_id", "month", "basis", "base", "amount_due",
                                         "rule_version", "amount_paid", "extra", "paid_on", "method", "note",
                                         "recorded_at"], payments)
    say(stdout, f"{len(declarations):,} dues declarations and {written:,} payments for {len(members):,} members "
                f"of {root.name} added in {time.monotonic() - started:,.0f} s")
    return written


# --- recruitment ------------------------------------------------------------------------------

# (last step recorded, days since the application) of the files, drawn with these weights.
RECRUITMENT_PLANS = [((1, 10, 40), 12), ((2, 30, 120), 14), ((4, 60, 300), 10), ((6, 150, 500), 18),
                     ((8, 400, 600), 10), ((11, 420, 700), 10), ((12, 450, 750), 8), ((14, 480, 800), 8),
                     ((16, 500, 820), 10)]
RECRUITMENT_WORK = ["临江华信科技有限公司", "临江顺达物流有限公司", "临江市第三中学", "社区居委会", "个体经营",
                    "临江职业技术学院", "临江市人民医院", "临江农商银行"]


def _branches(**filters) -> list[tuple[int, str]]:
    return list(Organization.objects.filter(org_type=OrgType.BRANCH, status=OrgStatus.ACTIVE, **filters)
                .order_by("path").values_list("pk", "path"))


def fill_recruitment(*, seed: int, count: int = APPLICANTS, stdout=None, today: datetime.date | None = None) -> int:
    """``count`` recruitment files in branches drawn across the city; returns how many were written."""
    from dangjian.recruitment.choices import CONTACT_STEPS, ApplicantStatus, ContactRole, NoticeOutcome
    from dangjian.recruitment.models import (
        Applicant,
        ApplicantContact,
        ApplicantTransition,
        PublicNotice,
        RecruitmentStep,
    )
    from dangjian.recruitment.pipeline import codes_by_org, pipeline_for
    from dangjian.recruitment.selectors import step_window

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    book, calendar = RuleBook(today), WorkCalendar()
    branches = _branches()
    chosen = [rng.choice(branches) for _ in range(count)]
    orgs = {pk: Organization(pk=pk, path=path) for pk, path in set(chosen)}
    codes = codes_by_org(orgs.values())
    pool = defaultdict(list)  # branch → full members (not on probation), for mentors and sponsors
    for org_id, member_id, name in (Member.objects.filter(organization_id__in=orgs, status=MemberStatus.FULL,
                                                          party_probation_until__isnull=True)
                                    .order_by("pk").values_list("organization_id", "pk", "name")):
        if len(pool[org_id]) < 8:
            pool[org_id].append((member_id, name))
    plans, weights = zip(*RECRUITMENT_PLANS, strict=True)
    files, seen = [], set()
    for org_id, _path in chosen:
        (last, low, high), = rng.choices(plans, weights=weights)
        person = people.person(rng, born_from=1975, born_to=2004)
        applied_on = today - datetime.timedelta(days=rng.randint(low, high))
        hash_ = pii.blind_index("id", person["id_number"])
        if hash_ in seen or (applied_on - person["birth_date"]).days < 18 * 366 or len(pool[org_id]) < 4:
            continue
        seen.add(hash_)
        applicant = Applicant(organization_id=org_id, name=person["name"], gender=person["gender"],
                              birth_date=person["birth_date"], education=rng.choice(["undergraduate", "college",
                                                                                     "postgraduate", "secondary"]),
                              category=Category.EMPLOYED, work_unit=rng.choice(RECRUITMENT_WORK), job="职员")
        applicant.name_pinyin, applicant.name_initials = name_pinyin(applicant.name)
        apply_protected(applicant, {"id_number": person["id_number"], "phone": people.phone(rng),
                                     "address": people.address(rng, "临江市")})
        files.append((applicant, applied_on, last))
    taken = set(Member.objects.filter(id_number_hash__in=seen).values_list("id_number_hash", flat=True))
    files = [f for f in files if f[0].id_number_hash not in taken]
    now = timezone.now()
    for applicant, _applied_on, _last in files:
        applicant.created_at = applicant.updated_at = now
    if connection.vendor == "postgresql":
        copy_rows(Applicant, [a for a, _, _ in files], with_pk=False)
    else:
        Applicant.objects.bulk_create([a for a, _, _ in files], batch_size=500)
    ids = dict(Applicant.objects.values_list("id_number_hash", "pk"))
    steps, contacts, notices, transitions = [], [], [], []
    stopped = 0
    for applicant, applied_on, last in files:
        pk = ids[applicant.id_number_hash]
        pipeline = pipeline_for(book=book, codes=codes[applicant.organization_id])
        full = rng.sample(pool[applicant.organization_id], 4)
        dates = {1: applied_on}
        transitions.append((pk, now, "", ApplicantStatus.IN_PROGRESS, ""))
        day = applied_on
        for number in range(2, last + 1):
            step = pipeline.steps[number]
            day = day + datetime.timedelta(days=rng.randint(3, 12))
            earliest = step_window(pipeline, step, dates, calendar=calendar)[0]
            if earliest and earliest.date > day:
                day = earliest.date + datetime.timedelta(days=rng.randint(0, 20))
            if number in pipeline.notices:
                if day >= today:
                    break
                notice = pipeline.notices[number]
                end = calendar.working_period_end(day, notice.working_days)
                if end.date >= today:
                    notices.append((pk, number, day, end.date, notice.working_days, end.provisional,
                                    NoticeOutcome.PENDING, "", None, notice.version))
                    break
                notices.append((pk, number, day, end.date, notice.working_days, end.provisional,
                                NoticeOutcome.NO_OBJECTION, "", end.date, notice.version))
                day = end.date + datetime.timedelta(days=rng.randint(1, 5))
            if day > today:
                break
            role = CONTACT_STEPS.get(step.code)
            if role:
                chosen_contacts = full[:rng.choice((1, 2))] if role == ContactRole.MENTOR else full[2:4]
                contacts += [(pk, role, member_id, day) for member_id, _name in chosen_contacts]
            hours, training_days = (Decimal(24), 3) if step.code == "training" else (None, None)
            actors = "、".join(name for _id, name in rng.sample(full, 2))
            steps.append((pk, number, day, actors, None, hours, training_days, "", pipeline.version, now))
            dates[number] = day
        steps.append((pk, 1, applied_on, "支部书记", None, None, None, "", pipeline.version, now))
        if last <= 4 and rng.random() < 0.12:
            stopped += 1
            transitions.append((pk, now, ApplicantStatus.IN_PROGRESS, ApplicantStatus.STOPPED, "本人工作调动"))
    stopped_ids = [t[0] for t in transitions if t[3] == ApplicantStatus.STOPPED]
    Applicant.objects.filter(pk__in=stopped_ids).update(status=ApplicantStatus.STOPPED, stop_reason="本人工作调动，已离开本社区")
    _copy(RecruitmentStep, ["applicant_id", "number", "done_on", "actors", "approving_organization_id",
                                           "hours", "training_days", "note", "rule_version", "recorded_at"], steps)
    _copy(ApplicantContact, ["applicant_id", "role", "member_id", "started_on"], contacts)
    _copy(PublicNotice, ["applicant_id", "before_step", "starts_on", "ends_on", "working_days",
                                        "provisional", "outcome", "objections", "closed_on", "rule_version"], notices)
    _copy(ApplicantTransition, ["applicant_id", "role", "at", "from_status", "to_status", "note"],
          [(pk, "", at, f, t, note) for pk, at, f, t, note in transitions])
    say(stdout, f"{len(files):,} recruitment files ({stopped:,} stopped), {len(steps):,} steps, {len(contacts):,} "
                f"contacts and {len(notices):,} public notices added in {time.monotonic() - started:,.0f} s")
    return len(files)


# --- transfers --------------------------------------------------------------------------------

TRANSFER_OUTSIDE = ["中共深圳市南山区粤海街道科技园社区委员会", "中共杭州市西湖区文新街道工作委员会",
                    "中共上海市浦东新区陆家嘴街道梅园社区第三党支部", "中共南京市鼓楼区湖南路街道工作委员会"]
TRANSFER_NOTES = {"home": "搬迁新居", "employer": "调入新单位", "retirement": "退休后随子女居住", "study": "外出求学"}
# status plan → weight: pending within, pending outgoing, received, rejected, cancelled, incoming
TRANSFER_PLANS = {"pending": 30, "outgoing": 8, "received": 32, "rejected": 10, "cancelled": 10, "incoming": 10}


def fill_transfers(*, root: Organization, seed: int, count: int = TRANSFERS, stdout=None,
                   today: datetime.date | None = None) -> int:
    """``count`` transfers of members of the city, ``STREET_SHARE`` of them from ``root``'s subtree."""
    from dangjian.transfers.choices import Side, TransferKind, TransferStatus
    from dangjian.transfers.models import Transfer, TransferStep

    started = time.monotonic()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    branches = _branches()
    street_branches = [b for b in branches if b[1].startswith(root.path)]
    codes = dict(Organization.objects.filter(org_type=OrgType.BRANCH).values_list("pk", "code"))
    in_street = list(Member.objects.filter(status=MemberStatus.FULL, organization__path__startswith=root.path)
                     .order_by("pk").values_list("pk", "organization_id"))
    top = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    draws = rng.sample(range(1, top + 1), min(top, count * 3))
    elsewhere = list(Member.objects.filter(pk__in=draws, status=MemberStatus.FULL, organization__org_type=OrgType.BRANCH)
                     .exclude(organization__path__startswith=root.path).order_by("pk")
                     .values_list("pk", "organization_id"))
    street_n = round(count * STREET_SHARE)
    picked = rng.sample(in_street, min(street_n, len(in_street))) + rng.sample(elsewhere, min(count - street_n,
                                                                                             len(elsewhere)))
    validity = {}
    seqs: dict[tuple[int, int], int] = defaultdict(int)
    plans, weights = list(TRANSFER_PLANS), list(TRANSFER_PLANS.values())
    transfers, steps = [], []
    street_ids = {pk for pk, _path in street_branches}
    for number, (member_id, org_id) in enumerate(picked):
        plan = rng.choices(plans, weights=weights)[0]
        local = street_branches if org_id in street_ids else branches
        other = rng.choice(local if rng.random() < 0.6 else branches)[0]
        if other == org_id:
            other = rng.choice(branches)[0]
        reason = rng.choice(list(TRANSFER_NOTES))
        sent = today - datetime.timedelta(days=rng.randint(1, 120) if plan in ("pending", "outgoing")
                                          else rng.randint(20, 320))
        if sent not in validity:
            validity[sent] = rule("transfers.validity_months", organization=None, on=sent)
        months = int(validity[sent].value)
        valid_until = _add_months(sent, months)
        dues_until = (sent.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        kind, status, received = TransferKind.WITHIN, TransferStatus.PENDING, None
        from_org, to_org, destination, origin = org_id, other, "", ""
        if plan == "outgoing":
            kind, to_org, destination = TransferKind.OUTGOING, None, rng.choice(TRANSFER_OUTSIDE)
        elif plan == "received":
            from_org, to_org = other, org_id  # the member is in the receiving branch now
            status, received = TransferStatus.RECEIVED, sent + datetime.timedelta(days=rng.randint(2, 20))
        elif plan in ("rejected", "cancelled"):
            status = TransferStatus(plan)
        elif plan == "incoming":
            kind, status, from_org, to_org = TransferKind.INCOMING, TransferStatus.RECEIVED, None, org_id
            origin, received = rng.choice(TRANSFER_OUTSIDE), sent + datetime.timedelta(days=rng.randint(3, 15))
        if from_org is not None:
            seqs[(from_org, sent.year)] += 1
            seq = seqs[(from_org, sent.year)]
            letter = f"{codes[from_org]}-{sent.year}-{seq:03d}"
            year = sent.year
        else:
            seq, year, letter = None, None, f"外转〔{sent.year}〕{number + 1:05d}号"
        closing = {"rejected": "请核实该同志实际居住地后再转", "cancelled": "本人决定暂不迁转"}.get(plan, "")
        transfers.append((kind, member_id, from_org, to_org, destination, origin, letter, year, seq, reason,
                          TRANSFER_NOTES[reason], dues_until, sent, valid_until, validity[sent].version, status,
                          received, closing, now))
        first = (Side.RECEIVING, received, "", TransferStatus.RECEIVED) if plan == "incoming" else \
            (Side.SENDING, sent, "", TransferStatus.PENDING)
        steps.append((letter, *first))
        if plan == "received":
            steps.append((letter, Side.RECEIVING, received, TransferStatus.PENDING, TransferStatus.RECEIVED))
        elif plan == "rejected":
            steps.append((letter, Side.RECEIVING, sent + datetime.timedelta(days=rng.randint(2, 15)),
                          TransferStatus.PENDING, TransferStatus.REJECTED))
        elif plan == "cancelled":
            steps.append((letter, Side.SENDING, sent + datetime.timedelta(days=rng.randint(2, 15)),
                          TransferStatus.PENDING, TransferStatus.CANCELLED))
    _copy(Transfer, ["kind", "member_id", "from_organization_id", "to_organization_id", "destination",
                                    "origin", "letter_number", "letter_year", "letter_seq", "reason", "reason_note",
                                    "dues_paid_until", "sent_on", "valid_until", "rule_version", "status",
                                    "received_on", "closing_note", "created_at"], transfers)
    ids = dict(Transfer.objects.values_list("letter_number", "pk"))
    _copy(TransferStep, ["transfer_id", "side", "at", "on", "from_status", "to_status", "note"],
          [(ids[letter], side, now, on, f, t, "") for letter, side, on, f, t in steps])
    say(stdout, f"{len(transfers):,} transfers with {len(steps):,} steps added in {time.monotonic() - started:,.0f} s")
    return len(transfers)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    from dangjian.core.dates import add_months

    return add_months(day, months)


def fill_records(*, seed: int, stdout=None, today: datetime.date | None = None) -> list[str]:
    """Add what is missing of the dues, recruitment and transfer records; returns what was added.
    Run inside a transaction."""
    from dangjian.dues.models import DuesPayment
    from dangjian.recruitment.models import Applicant
    from dangjian.transfers.models import Transfer

    street = organizer_street()
    added = []
    if not DuesPayment.objects.exists():
        fill_dues(root=street, seed=seed, stdout=stdout, today=today)
        added.append("dues")
    if not Applicant.objects.exists():
        fill_recruitment(seed=seed, stdout=stdout, today=today)
        added.append("recruitment")
    if not Transfer.objects.exists():
        fill_transfers(root=street, seed=seed, stdout=stdout, today=today)
        added.append("transfers")
    return added
