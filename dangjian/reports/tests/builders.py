"""A small subtree with known records, built through the services, for the statistics tests.

测试街道党工委 (X, created 2024-01-01 under the city) holds 甲支部 (A, with a Party group) and 乙支部 (B, a
private firm's branch) from 2024-01-01, and 丙支部 (C) from 2026-02-01. Seven members:

=====  ======  ==========  =========  ===========  ===================================================
name   gender  born        category   education    story
=====  ======  ==========  =========  ===========  ===================================================
m1     female  1960-03-01  retired    secondary    A since 2024; A's secretary
m2     male    1990-08-01  employed   university   B since 2024; B's secretary; Mongol
m3     female  2000-01-10  student    college      joined 2025-12-01 in A (probationary); full 2026-12-01
m4     male    1950-05-05  retired    primary      A since 2024; died 2026-03-15
m5     male    1985-02-02  employed   postgrad.    A since 2024; moved out of X (to the sibling branch) 2026-04-01
m6     female  1975-07-07  employed   junior       the sibling branch since 2024; moved into B 2026-05-01
m7     male    1982-09-09  employed   secondary    B since 2024; moved to A 2026-02-01; suspended 2026-07-15
=====  ======  ==========  =========  ===========  ===================================================
"""
import datetime
from dataclasses import dataclass

from dangjian.core import pii
from dangjian.core.validators import id_number_check_char
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.members.services import member_create, member_move, member_update
from dangjian.members.standing import member_status_change
from dangjian.organizations.models import Organization, PostKind
from dangjian.organizations.services import organization_create, post_appoint

D = datetime.date
START = D(2024, 1, 1)
JOINED, FULL = D(2015, 7, 1), D(2016, 7, 1)


def id_number(birth: datetime.date, male: bool) -> str:
    """A valid ID number for ``birth`` and gender that nobody on the register has."""
    for serial in range(10, 100):
        first17 = f"110101{birth:%Y%m%d}{serial}{1 if male else 2}"
        value = first17 + id_number_check_char(first17)
        if not Member.objects.filter(id_number_hash=pii.blind_index("id", value)).exists():
            return value
    raise AssertionError("no free ID number")


@dataclass
class Subtree:
    x: Organization
    a: Organization
    b: Organization
    c: Organization
    group: Organization
    outside: Organization
    members: dict


def _member(name, org, gender, born, category, education, *, joined=JOINED, full=FULL,
            status=MemberStatus.FULL, ethnicity="01", on=START):
    data = {
        "name": name, "gender": gender, "birth_date": born, "id_number": id_number(born, gender == "male"),
        "joined_on": joined, "full_member_on": full, "status": status, "category": category,
        "education": education, "ethnicity": ethnicity, "organization": org,
    }
    return member_create(actor=None, data=data, on=on)


def build(outside: Organization) -> Subtree:
    """Build the subtree under the city's root; ``outside`` is a branch elsewhere (the sibling branch)."""
    city = Organization.objects.get(depth=1)
    x = organization_create(actor=None, parent=city, name="测试街道党工委", code="T-X", org_type="working_committee",
                            unit_kind="community", on=START)
    a = organization_create(actor=None, parent=x, name="甲支部", code="T-A", org_type="branch", unit_kind="community",
                            on=START)
    b = organization_create(actor=None, parent=x, name="乙支部", code="T-B", org_type="branch",
                            unit_kind="private_enterprise", on=START)
    group = organization_create(actor=None, parent=a, name="甲支部第一党小组", code="T-A1", org_type="party_group",
                                unit_kind="community", on=START)
    c = organization_create(actor=None, parent=x, name="丙支部", code="T-C", org_type="branch", unit_kind="community",
                            on=D(2026, 2, 1))
    m = {
        "m1": _member("测一", a, "female", D(1960, 3, 1), "retired", "secondary"),
        "m2": _member("测二", b, "male", D(1990, 8, 1), "employed", "undergraduate", ethnicity="02"),
        "m3": _member("测三", a, "female", D(2000, 1, 10), "student", "college", joined=D(2025, 12, 1), full=None,
                      status=MemberStatus.PROBATIONARY, on=D(2025, 12, 1)),
        "m4": _member("测四", a, "male", D(1950, 5, 5), "retired", "primary"),
        "m5": _member("测五", a, "male", D(1985, 2, 2), "employed", "postgraduate"),
        "m6": _member("测六", outside, "female", D(1975, 7, 7), "employed", "junior"),
        "m7": _member("测七", b, "male", D(1982, 9, 9), "employed", "secondary"),
    }
    secretary = PostKind.objects.get(code="secretary")
    post_appoint(actor=None, organization=a, kind=secretary, member=m["m1"], term_start=START)
    post_appoint(actor=None, organization=b, kind=secretary, member=m["m2"], term_start=START)
    member_move(actor=None, member=m["m7"], organization=a, on=D(2026, 2, 1))
    member_status_change(actor=None, member=m["m4"], to=MemberStatus.DIED, effective_on=D(2026, 3, 15),
                         reason="因病逝世")
    member_move(actor=None, member=m["m5"], organization=outside, on=D(2026, 4, 1))
    member_move(actor=None, member=m["m6"], organization=b, on=D(2026, 5, 1))
    member_status_change(actor=None, member=m["m7"], to=MemberStatus.SUSPENDED, effective_on=D(2026, 7, 15),
                         reason="停止党籍")
    m["m3"] = member_update(actor=None, member=m["m3"], data={"status": MemberStatus.FULL,
                                                             "full_member_on": D(2026, 12, 1)})
    return Subtree(x=x, a=a, b=b, c=c, group=group, outside=outside, members=m)
