"""Hardship cases, support and care visits: the services, the derived hardship mark, the care list, scope."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.care import selectors, services
from dangjian.care.choices import HardshipKind, Occasion, SupportKind
from dangjian.care.models import CareVisit, HardshipCase, SupportRecord
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member

TODAY = timezone.localdate()
AGO = TODAY - datetime.timedelta(days=200)


def ordinary(org, n=0):
    """An on-roll member of ``org`` not in hardship."""
    return org.members.on_roll().filter(in_hardship=False).order_by("pk")[n]


def open_case(member, kinds=("illness",), since=AGO, on=None):
    return services.hardship_case_open(actor=None, member=member, kinds=list(kinds), situation="长期住院治疗",
                                       since=since, on=on)


def flag(member):
    return Member.objects.values_list("in_hardship", flat=True).get(pk=member.pk)


def test_opening_sets_and_closing_the_last_case_clears_the_hardship_mark(org, personas):
    member = ordinary(org["branch"])
    first = services.hardship_case_open(actor=personas["branch"], member=member, kinds=["illness", "low_income"],
                                        situation="患病后收入减少", since=AGO)
    assert flag(member) and first.kind_list == ["illness", "low_income"] and first.opened_on == TODAY
    second = open_case(member, kinds=["elderly_alone"])
    services.hardship_case_close(actor=personas["branch"], case=first, closed_on=TODAY, outcome="已康复")
    assert flag(member), "another case is still open"
    services.hardship_case_close(actor=personas["branch"], case=second, closed_on=TODAY, outcome="随子女生活")
    assert not flag(member)
    changes = AuditEntry.objects.filter(action="member.hardship_changed", object_id=str(member.pk)).order_by("pk")
    assert [e.changes["in_hardship"] for e in changes] == [[False, True], [True, False]]
    assert AuditEntry.objects.filter(action="hardship_case.closed").count() == 2


@pytest.mark.parametrize("kwargs, field", [
    ({"kinds": []}, "kinds"),
    ({"kinds": ["nonsense"]}, "kinds"),
    ({"situation": "  "}, "situation"),
    ({"since": TODAY + datetime.timedelta(days=1)}, "since"),
])
def test_opening_checks_its_input(org, kwargs, field):
    data = {"kinds": ["illness"], "situation": "困难", "since": AGO} | kwargs
    with pytest.raises(ValidationError) as exc:
        services.hardship_case_open(actor=None, member=ordinary(org["branch"]), **data)
    assert field in exc.value.message_dict
    assert not HardshipCase.objects.exists()


def test_support_is_checked_and_totalled(org, personas):
    case = open_case(ordinary(org["branch"]))
    with pytest.raises(ValidationError) as exc:
        services.support_record(actor=None, case=case, given_on=TODAY, kind=SupportKind.MONEY, given_by="书记")
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.support_record(actor=None, case=case, given_on=TODAY, kind=SupportKind.GOODS, given_by="书记")
    with pytest.raises(ValidationError):
        services.support_record(actor=None, case=case, given_on=AGO - datetime.timedelta(days=1),
                                kind=SupportKind.VISIT, given_by="书记")
    for amount in ("500.00", "800.50"):
        services.support_record(actor=None, case=case, given_on=TODAY, kind=SupportKind.MONEY, amount=Decimal(amount),
                                given_by_organization=org["branch"], funding_source="care_fund")
    services.support_record(actor=None, case=case, given_on=TODAY, kind=SupportKind.GOODS, goods="米、油",
                            amount=Decimal("120"), given_by="社区党委")
    row = selectors.with_figures(HardshipCase.objects.filter(pk=case.pk)).get()
    assert row.support_count == 3 and row.money_total == Decimal("1300.50") and row.last_support == TODAY
    counts = selectors.register_counts(personas["branch"], org["branch"], TODAY.year)
    assert counts["support_money"] == Decimal("1300.50") and counts["support_count"] == 3
    assert counts["open"] == 1 and dict((k, n) for k, _l, n in counts["by_kind"])["illness"] == 1
    services.hardship_case_close(actor=None, case=case, closed_on=TODAY, outcome="好转")
    with pytest.raises(ValidationError):
        services.support_record(actor=None, case=case, given_on=TODAY, kind=SupportKind.VISIT, given_by="书记")


def _user(username):
    from dangjian.accounts.models import User

    return User.objects.get(username=username)


def test_only_keepers_and_auditors_see_cases_never_the_member_themself(org, personas):
    member = personas["member"].member
    case = open_case(member)
    visible = {name for name, user in personas.items() if HardshipCase.objects.restrict(user, "view").filter(pk=case.pk)}
    assert visible == {"admin", "city", "organizer", "community", "branch", "auditor"}
    changers = {name for name, user in personas.items() if HardshipCase.objects.restrict(user, "change").filter(pk=case.pk)}
    assert changers == {"admin", "city", "organizer", "community", "branch"}
    assert not SupportRecord.objects.restrict(personas["member"]).exists()
    assert not CareVisit.objects.restrict(personas["sibling"]).filter(member__organization=org["branch"]).exists()


def test_festival_care_list_names_the_reasons_and_who_was_visited(org):
    branch = org["branch"]
    rules = selectors.care_rules(branch, TODAY)
    day = selectors.festival_date(rules, Occasion.MID_AUTUMN, 2026)
    assert day == datetime.date(2026, 9, 25) and rules.version.startswith("care ")
    members = list(branch.members.on_roll().order_by("pk"))
    aged = members[0]
    Member.objects.filter(pk=aged.pk).update(birth_date=datetime.date(1940, 1, 1), full_member_on=datetime.date(1990, 1, 1),
                                             in_hardship=False)
    veteran = members[1]
    Member.objects.filter(pk=veteran.pk).update(birth_date=datetime.date(1950, 5, 1), joined_on=datetime.date(1970, 1, 1),
                                                full_member_on=datetime.date(1971, 1, 1), in_hardship=False)
    alone = members[2]
    Member.objects.filter(pk=alone.pk).update(birth_date=datetime.date(1960, 5, 1), full_member_on=datetime.date(1990, 1, 1))
    open_case(alone, kinds=[HardshipKind.ELDERLY_ALONE])
    services.care_visits_record(actor=None, members=[Member.objects.get(pk=aged.pk)], occasion=Occasion.MID_AUTUMN,
                                visited_on=datetime.date(2026, 9, 20), visitors="社区党委书记", gifts="月饼")
    rows = {r.member.pk: r for r in selectors.care_list(branch, year=2026, occasion=Occasion.MID_AUTUMN, rules=rules)}
    assert [c for c, _l in rows[aged.pk].reasons] == ["aged"] and rows[aged.pk].visited
    assert "fifty_years" in [c for c, _l in rows[veteran.pk].reasons] and not rows[veteran.pk].visited
    assert {c for c, _l in rows[alone.pk].reasons} == {"hardship", "alone"}
    assert all(r.reasons for r in rows.values())
    # Not visited first.
    ordered = selectors.care_list(branch, year=2026, occasion=Occasion.MID_AUTUMN, rules=rules)
    assert [r.visited for r in ordered] == sorted(r.visited for r in ordered)
    # The same members at another festival are still to visit.
    again = selectors.care_list(branch, year=2026, occasion=Occasion.DOUBLE_NINTH, rules=rules)
    assert not any(r.visited for r in again)


def test_spring_festival_visits_in_december_count_for_the_coming_year(org):
    member = ordinary(org["branch"])
    visit = services.care_visits_record(actor=None, members=[member], occasion=Occasion.SPRING_FESTIVAL,
                                        visited_on=datetime.date(2025, 12, 28), visitors="书记")[0]
    assert visit.year == 2026
    with pytest.raises(ValidationError):
        services.care_visits_record(actor=None, members=[], occasion=Occasion.OTHER, visited_on=TODAY, visitors="书记")
    with pytest.raises(ValidationError):
        services.care_visits_record(actor=None, members=[member], occasion=Occasion.OTHER, visited_on=TODAY, visitors="")


def test_workbench_flags_cases_without_help_and_festivals_near(org, personas):
    stale = open_case(ordinary(org["branch"]), on=TODAY - datetime.timedelta(days=120),
                      since=TODAY - datetime.timedelta(days=150))
    open_case(ordinary(org["branch"], 1))  # just registered: not yet due
    items = selectors.workbench_items(root=org["branch"], user=personas["branch"], today=TODAY)
    follow = [i for i in items if i["overdue"]]
    assert len(follow) == 1 and "?org=" in follow[0]["url"] and "stale=1" in follow[0]["url"]
    services.support_record(actor=None, case=stale, given_on=TODAY, kind=SupportKind.VISIT, given_by="书记")
    assert not [i for i in selectors.workbench_items(root=org["branch"], user=personas["branch"], today=TODAY)
                if i["overdue"]]
    assert selectors.workbench_items(root=org["branch"], user=personas["member"], today=TODAY) == []
    assert selectors.workbench_items(root=org["branch"], user=personas["auditor"], today=TODAY) == []
    # Three weeks before the Spring Festival of 2027, those on the list are still to visit.
    before = datetime.date(2027, 1, 16)
    festival = [i for i in selectors.workbench_items(root=org["branch"], user=personas["branch"], today=before)
                if i["when"]]
    assert festival and festival[0]["when"] == datetime.date(2027, 2, 6) and "occasion=spring_festival" in festival[0]["url"]


def test_workbench_takes_few_queries(org, personas, django_assert_max_num_queries):
    open_case(ordinary(org["branch"]), on=TODAY - datetime.timedelta(days=120), since=TODAY - datetime.timedelta(days=150))
    user = _user("community")
    with django_assert_max_num_queries(5):
        selectors.workbench_items(root=org["community"], user=user, today=datetime.date(2027, 1, 16))
