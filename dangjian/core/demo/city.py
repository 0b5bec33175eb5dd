"""Builds the demo city at a given scale, deterministically from a seed.

Organizations go through the structure services (so they have versions and audit entries);
members are built with the same checks as an import and written in bulk.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant
from dangjian.core.access import Role
from dangjian.core.dates import add_years
from dangjian.members.choices import Category, Education, MemberStatus
from dangjian.members.models import Member, Membership
from dangjian.members.services import member_build
from dangjian.organizations.choices import OrgType, UnitKind
from dangjian.organizations.models import LeadershipPost, Organization, PostKind, Unit
from dangjian.organizations.services import organization_create, term_years

from . import people

DEMO_PASSWORD = "dangjian-demo"

# username → (full name, what the persona is), printed by `manage.py demo_accounts`.
PERSONAS = {
    "admin": "System administrator",
    "city": "Organizer at the city committee",
    "organizer": "Organizer of the sub-district working committee",
    "community": "Secretary of a community committee",
    "branch": "Secretary of a branch in that community",
    "sibling": "Secretary of another branch of the same community",
    "member": "Ordinary member of the branch",
    "auditor": "Read-only auditor of the sub-district",
    "grid": "Grid worker of one grid in that community",
    "resident": "Resident of that grid (no member record)",
    "team": "Leader of that community's service team",
}

EDUCATION_WEIGHTS = [
    (Education.POSTGRADUATE, 4), (Education.UNDERGRADUATE, 25), (Education.COLLEGE, 25),
    (Education.SECONDARY, 25), (Education.JUNIOR, 15), (Education.PRIMARY, 6),
]


@dataclass
class CityBuilder:
    rng: random.Random
    today: datetime.date
    pending: list[tuple[Member, Organization]] = field(default_factory=list)
    branches: list[Organization] = field(default_factory=list)
    # ID numbers drawn so far: random ones collide (birthday paradox) once there are thousands.
    used_ids: set[str] = field(default_factory=set)

    def org(self, parent, name, org_type, unit_kind, *, short_name="", unit=None, code=None):
        if code is None:
            count = (Organization.objects.get_children_count(parent) if parent
                     else Organization.objects.get_root_nodes().count())
            code = f"{parent.code if parent else 'LJ'}{count + 1:02d}"
        org = organization_create(
            actor=None, parent=parent, name=name, code=code, org_type=org_type, unit_kind=unit_kind,
            short_name=short_name, unit=unit, on=self.today - datetime.timedelta(days=3650),
            established_on=datetime.date(self.rng.randint(1985, 2015), self.rng.randint(1, 12), 1),
        )
        if org_type in (OrgType.BRANCH, OrgType.JOINT_BRANCH, OrgType.TEMPORARY_BRANCH):
            self.branches.append(org)
        return org

    def unit(self, name, kind):
        return Unit.objects.create(name=name, kind=kind)

    def person(self, *, born_from: int, born_to: int) -> dict:
        """A person whose ID number no one else in the city has."""
        while True:
            p = people.person(self.rng, born_from=born_from, born_to=born_to)
            if p["id_number"] not in self.used_ids:
                self.used_ids.add(p["id_number"])
                return p

    def members(self, org, count, *, profile: str, groups=()):
        """Queue ``count`` members for ``org``; profile shapes ages and categories."""
        parent = Organization.objects.get_parent(org)
        area = "临江市" + (parent.name[:4] if parent else "")
        for _ in range(count):
            retired = profile == "retired" or (profile == "community" and self.rng.random() < 0.45)
            if retired:
                p = self.person(born_from=1938, born_to=1963)
                category = Category.RETIRED
            elif profile == "village":
                p = self.person(born_from=1950, born_to=2000)
                category = Category.FARMER
            else:
                p = self.person(born_from=1965, born_to=2001)
                category = self.rng.choices(
                    [Category.EMPLOYED, Category.SELF_EMPLOYED, Category.UNEMPLOYED, Category.OTHER],
                    [85, 6, 5, 4],
                )[0]
            age = self.today.year - p["birth_date"].year
            joined = add_years(p["birth_date"], self.rng.randint(19, max(19, min(40, age - 2))))
            roll = self.rng.random()
            probationary = roll < 0.03
            if probationary:
                joined = self.today - datetime.timedelta(days=self.rng.randint(20, 330))
            status = (MemberStatus.PROBATIONARY if probationary
                      else MemberStatus.LOST_CONTACT if roll > 0.995 else MemberStatus.FULL)
            data = {
                **p,
                "ethnicity": self.rng.choices(["01", "02", "03", "11", "10"], [90, 4, 2, 3, 1])[0],
                "phone": people.phone(self.rng),
                "address": people.address(self.rng, area),
                "education": self.rng.choices([e for e, _ in EDUCATION_WEIGHTS], [w for _, w in EDUCATION_WEIGHTS])[0],
                "joined_on": joined,
                "full_member_on": None if probationary else add_years(joined, 1),
                "status": status,
                "category": category,
                "in_hardship": retired and self.rng.random() < 0.06,
                "organization": org,
                "party_group": self.rng.choice(groups) if groups else None,
                "work_unit": org.unit.name if org.unit else "",
            }
            self.pending.append((member_build(data), org))

    def flush(self):
        """Write queued members and their open membership periods in bulk."""
        members = Member.objects.bulk_create([m for m, _ in self.pending], batch_size=1000)
        Membership.objects.bulk_create(
            [Membership(member=m, organization=m.organization, started_on=m.joined_on) for m in members],
            batch_size=2000,
        )
        self.pending.clear()

    def leadership(self):
        """A secretary for every branch; a committee where 7 or more full members."""
        kinds = {k.code: k for k in PostKind.objects.all()}
        posts = []
        for branch in self.branches:
            full = list(branch.members.filter(status=MemberStatus.FULL).order_by("id")[:5])
            if not full:
                continue
            years = term_years(branch, self.today)
            start = self.today - datetime.timedelta(days=self.rng.randint(30, years * 365 - 10))
            end = add_years(start, years)
            seats = ["secretary"]
            if branch.members.filter(status=MemberStatus.FULL).count() >= 7:
                seats += ["deputy_secretary", "organization_member", "propaganda_member", "discipline_member"]
            for code, holder in zip(seats, full, strict=False):
                posts.append(LeadershipPost(organization=branch, kind=kinds[code], member=holder,
                                            term_start=start, term_end=end))
        LeadershipPost.objects.bulk_create(posts, batch_size=2000)


def _community(b: CityBuilder, parent, name, *, branches=3, size=(18, 34), groups_per_branch=2):
    community = b.org(parent, f"{name}社区党委", OrgType.COMMITTEE, UnitKind.COMMUNITY, short_name=f"{name}社区")
    result = [community]
    for i, label in enumerate(["第一党支部", "第二党支部", "离退休党支部", "第四党支部"][:branches]):
        branch = b.org(community, f"{name}社区{label}", OrgType.BRANCH, UnitKind.COMMUNITY)
        groups = [b.org(branch, f"{name}社区{i * 2 + g + 1}号楼党小组", OrgType.PARTY_GROUP, UnitKind.COMMUNITY)
                  for g in range(groups_per_branch)]
        b.members(branch, b.rng.randint(*size), profile="retired" if "离退休" in label else "community", groups=groups)
        result.append(branch)
    return result


def build_small(b: CityBuilder) -> dict[str, Organization]:
    """The city committee over one sub-district with a "1+3" structure and one town."""
    city = b.org(None, "中共临江市委员会", OrgType.COMMITTEE, UnitKind.ORGAN, short_name="临江市委", code="LJ")
    street = b.org(city, "中共临江市江滨街道工作委员会", OrgType.WORKING_COMMITTEE, UnitKind.ORGAN, short_name="江滨街道党工委")
    general = b.org(street, "江滨街道综合党委", OrgType.COMMITTEE, UnitKind.ORGAN)
    for name, kind, size in [("街道机关第一党支部", UnitKind.ORGAN, 16), ("街道机关第二党支部", UnitKind.ORGAN, 12),
                             ("江滨小学党支部", UnitKind.SCHOOL, 14), ("江滨社区卫生服务中心党支部", UnitKind.INSTITUTION, 9)]:
        b.members(b.org(general, name, OrgType.BRANCH, kind), size, profile="organ")
    firm = b.unit("临江华信科技有限公司", UnitKind.PRIVATE_ENTERPRISE)
    b.members(b.org(general, "临江华信科技有限公司党支部", OrgType.BRANCH, UnitKind.PRIVATE_ENTERPRISE, unit=firm), 8,
              profile="firm")
    tower = b.unit("江滨国际商务大厦", UnitKind.PRIVATE_ENTERPRISE)
    b.members(b.org(general, "江滨国际商务大厦联合党支部", OrgType.JOINT_BRANCH, UnitKind.PRIVATE_ENTERPRISE, unit=tower), 2,
              profile="firm")
    admin = b.org(street, "江滨街道办事处行政党组", OrgType.LEADING_GROUP, UnitKind.ORGAN)
    b.members(admin, 5, profile="organ")
    residential = b.org(street, "江滨街道居民区党委", OrgType.COMMITTEE, UnitKind.COMMUNITY)
    communities = {}
    for name in ["滨河", "望江", "新华", "柳岸", "朝阳", "石化"]:
        communities[name] = _community(b, residential, name)
    town = b.org(city, "中共临江市青山镇委员会", OrgType.COMMITTEE, UnitKind.ORGAN, short_name="青山镇党委")
    for name, size in [("青山村", 28), ("石桥村", 22), ("柳林村", 17)]:
        b.members(b.org(town, f"{name}党支部", OrgType.BRANCH, UnitKind.VILLAGE), size, profile="village")
    binhe = communities["滨河"]
    return {"city": city, "street": street, "community": binhe[0], "branch": binhe[1], "sibling": binhe[2]}


def build_city_extra(b: CityBuilder, city: Organization, *, subdistricts: int, towns: int):
    """More sub-districts and towns, with organs, enterprises, villages and communities."""
    for s in range(subdistricts):
        street = b.org(city, f"临江市第{s + 2}街道党工委", OrgType.WORKING_COMMITTEE, UnitKind.ORGAN)
        organs = b.org(street, f"第{s + 2}街道机关党委", OrgType.COMMITTEE, UnitKind.ORGAN)
        for i in range(6):
            b.members(b.org(organs, f"第{s + 2}街道机关第{i + 1}党支部", OrgType.BRANCH,
                            b.rng.choice([UnitKind.ORGAN, UnitKind.INSTITUTION, UnitKind.SCHOOL])), 15, profile="organ")
        soe = b.org(street, f"第{s + 2}街道国企党委", OrgType.COMMITTEE, UnitKind.STATE_ENTERPRISE)
        for i in range(5):
            b.members(b.org(soe, f"临江第{s + 2}{i + 1}国有公司党支部", OrgType.BRANCH, UnitKind.STATE_ENTERPRISE), 18,
                      profile="organ")
        for i in range(4):
            unit = b.unit(f"临江第{s + 2}{i + 1}民营企业", UnitKind.PRIVATE_ENTERPRISE)
            b.members(b.org(street, f"{unit.name}党支部", OrgType.BRANCH, UnitKind.PRIVATE_ENTERPRISE, unit=unit), 6,
                      profile="firm")
        social = b.unit(f"第{s + 2}街道社会组织联合会", UnitKind.SOCIAL_ORGANIZATION)
        b.members(b.org(street, f"{social.name}联合党支部", OrgType.JOINT_BRANCH, UnitKind.SOCIAL_ORGANIZATION,
                        unit=social), 5, profile="firm")
        residential = b.org(street, f"第{s + 2}街道居民区党委", OrgType.COMMITTEE, UnitKind.COMMUNITY)
        for c in range(5):
            _community(b, residential, f"第{s + 2}街道{c + 1}号", branches=3, size=(14, 24), groups_per_branch=0)
    for t in range(towns):
        town = b.org(city, f"临江市第{t + 2}镇党委", OrgType.COMMITTEE, UnitKind.ORGAN)
        for v in range(12):
            b.members(b.org(town, f"第{t + 2}镇{v + 1}村党支部", OrgType.BRANCH, UnitKind.VILLAGE), 20, profile="village")
    b.flush()


def create_personas(key_orgs: dict[str, Organization]) -> dict[str, User]:
    """The demo accounts, one per persona, all with the demo password."""
    users = {}
    for username in PERSONAS:
        user = User(username=username)
        user.set_password(DEMO_PASSWORD)
        users[username] = user
    users["admin"].is_staff = users["admin"].is_superuser = True
    User.objects.bulk_create(users.values())
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    grants = [
        ("admin", Role.ADMIN, None), ("city", Role.ORGANIZER, key_orgs["city"]),
        ("organizer", Role.ORGANIZER, key_orgs["street"]), ("community", Role.SECRETARY, key_orgs["community"]),
        ("branch", Role.SECRETARY, key_orgs["branch"]), ("sibling", Role.SECRETARY, key_orgs["sibling"]),
        ("member", Role.MEMBER, key_orgs["branch"]), ("auditor", Role.AUDITOR, key_orgs["street"]),
    ]
    for username, role, org in grants:
        role_grant(actor=None, user=users[username], role=role, organization=org)
    # Link the branch secretaries and the ordinary member to member records of their branches.
    for username in ("branch", "sibling"):
        holder = LeadershipPost.objects.filter(organization=key_orgs[username], kind__code="secretary").first()
        member = holder.member if holder else key_orgs[username].members.first()
        member.user = users[username]
        member.save(update_fields=["user"])
        users[username].full_name = member.name
    ordinary = (key_orgs["branch"].members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True)
                .order_by("id").first())
    ordinary.user = users["member"]
    ordinary.save(update_fields=["user"])
    users["member"].full_name = ordinary.name
    for user in users.values():
        user.save(update_fields=["full_name"])
    return users


SCALES = {"small": (0, 0), "city": (16, 5)}  # extra sub-districts, extra towns


def build(*, scale: str = "small", seed: int = 1, today: datetime.date | None = None) -> dict[str, Organization]:
    """Build the demo city. Deterministic for a given seed and day."""
    from django.utils import timezone

    b = CityBuilder(rng=random.Random(seed), today=today or timezone.localdate())
    with transaction.atomic():
        key_orgs = build_small(b)
        b.flush()
        subdistricts, towns = SCALES[scale]
        if subdistricts or towns:
            build_city_extra(b, key_orgs["city"], subdistricts=subdistricts, towns=towns)
        b.leadership()
        create_personas(key_orgs)
    return key_orgs
