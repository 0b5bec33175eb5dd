"""Monthly summaries: the figures against hand-computed values for the built subtree (``builders``), the
January case of the month's flows, recipients, idempotent reruns, e-mail, the command and the pages."""
import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core.access import Role
from dangjian.core.models import AuditEntry
from dangjian.reports.models import MonthlySummary
from dangjian.reports.monthly import monthly_summaries_send, recipients_by_organization, summary_figures

from .builders import build

D = datetime.date


@pytest.fixture
def tree(org):
    return build(outside=org["sibling"])


def figures_of(answer):
    return {row["code"]: (row["value"], row["previous"], row["change"]) for row in answer["figures"]}


def test_march_2026_counts_the_death_as_left_and_the_roll_at_both_month_ends(tree):
    got = summary_figures(tree.x, D(2026, 3, 1))
    assert got["on"] == "2026-03-31"
    rows = figures_of(got)
    # 31 March: m1, m2, m3, m5, m7 (m4 died 15 March); 28 February: the same and m4.
    assert rows["members"] == (5, 6, -1)
    assert rows["left"] == (1, 0, 1)
    assert rows["admitted"] == (0, 0, 0)


def test_april_2026_a_transfer_out_is_not_leaving_the_party(tree):
    rows = figures_of(summary_figures(tree.x, D(2026, 4, 1)))
    assert rows["members"] == (4, 5, -1)  # m5 moved to the sibling branch on 1 April
    assert rows["left"] == (0, 1, -1)


def test_january_flows_are_the_year_to_date_and_december_is_the_month_before(tree):
    december = figures_of(summary_figures(tree.x, D(2025, 12, 1)))
    assert december["admitted"] == (1, 0, 1)  # m3 joined on 1 December 2025
    january = figures_of(summary_figures(tree.x, D(2026, 1, 1)))
    assert january["admitted"] == (0, 1, -1)
    assert january["members"] == (6, 6, 0)


def _people(tree):
    organizer = User.objects.create_user(username="x-organizer", full_name="组织员甲", email="org@example.cn")
    secretary = User.objects.create_user(username="x-secretary", full_name="书记乙", email="")
    committee = User.objects.create_user(username="x-committee", full_name="委员丙", email="c@example.cn")
    retired = User.objects.create_user(username="x-retired", full_name="离任丁", email="r@example.cn", is_active=False)
    for user, role in ((organizer, Role.ORGANIZER), (secretary, Role.SECRETARY), (committee, Role.COMMITTEE_MEMBER),
                       (retired, Role.ORGANIZER)):
        RoleAssignment.objects.create(user=user, role=role, organization=tree.x)
    # A branch's secretary gets none: branches are not among the rule's recipient types.
    RoleAssignment.objects.create(user=committee, role=Role.SECRETARY, organization=tree.a)
    return organizer, secretary


def test_send_creates_one_summary_per_committee_with_recipients_and_reruns_do_nothing(
        tree, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_CHANNELS = [
        "dangjian.notices.channels.InAppChannel",
        {"class": "dangjian.notices.channels.EmailChannel", "base_url": "https://dj.example.cn",
         "from_email": "noreply@dj.example.cn"},
    ]
    organizer, secretary = _people(tree)
    targets = recipients_by_organization(D(2026, 3, 31))
    assert targets[tree.x.pk] == sorted([organizer.pk, secretary.pk])
    assert tree.a.pk not in targets
    with django_capture_on_commit_callbacks(execute=True):
        made = monthly_summaries_send(month=D(2026, 3, 15))
    assert made == len(targets) and made == MonthlySummary.objects.filter(month=D(2026, 3, 1)).count()
    summary = MonthlySummary.objects.get(organization=tree.x, month=D(2026, 3, 1))
    assert set(summary.recipients.all()) == {organizer, secretary}
    assert figures_of(summary.figures)["members"] == (5, 6, -1)
    # In-app to both; e-mail only to the organizer, who has an address.
    assert organizer.notifications.filter(url=f"/reports/monthly/{summary.pk}/").count() == 1
    assert secretary.notifications.count() == 1
    sent = [m for m in mail.outbox if m.to == ["org@example.cn"]]
    assert len(sent) == 1
    assert "测试街道党工委" in sent[0].subject and "2026-03" in sent[0].subject
    assert f"https://dj.example.cn/reports/monthly/{summary.pk}/" in sent[0].body
    assert "5" in sent[0].body
    assert AuditEntry.objects.filter(action="monthly_summary.sent").count() == 1

    outbox = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_summaries_send(month=D(2026, 3, 1)) == 0
    assert MonthlySummary.objects.filter(organization=tree.x).count() == 1
    assert len(mail.outbox) == outbox and organizer.notifications.count() == 1


def test_a_crashed_run_is_completed_by_the_next(tree, monkeypatch):
    _people(tree)
    from dangjian.reports import monthly

    real = monthly.summary_figures

    def failing(organization, month):
        if organization.pk == tree.x.pk:
            raise RuntimeError("database went away")
        return real(organization, month)

    monkeypatch.setattr(monthly, "summary_figures", failing)
    first = monthly_summaries_send(month=D(2026, 3, 1))
    assert not MonthlySummary.objects.filter(organization=tree.x).exists()
    monkeypatch.setattr(monthly, "summary_figures", real)
    assert monthly_summaries_send(month=D(2026, 3, 1)) == 1
    assert MonthlySummary.objects.filter(month=D(2026, 3, 1)).count() == first + 1


def test_command_checks_the_month(tree):
    with pytest.raises(CommandError):
        call_command("send_monthly_summaries", "--month", "2026-13")
    with pytest.raises(CommandError):
        call_command("send_monthly_summaries", "--month", "2999-01")


def test_pages_show_the_summaries_the_user_oversees(tree, org, client_for, personas):
    mine = MonthlySummary.objects.create(organization=org["community"], month=D(2026, 3, 1),
                                         figures=summary_figures(org["community"], D(2026, 3, 1)))
    other = MonthlySummary.objects.create(organization=tree.x, month=D(2026, 3, 1), figures={})
    client = client_for("community")
    page = client.get("/reports/monthly/")
    assert page.status_code == 200
    assert list(page.context["page_obj"]) == [mine]
    detail = client.get(f"/reports/monthly/{mine.pk}/")
    assert detail.status_code == 200
    assert f"/reports/?org={org['community'].pk}&amp;date=2026-03-31" in detail.content.decode()
    assert [r["code"] for r in detail.context["rows"]][:3] == ["members", "admitted", "left"]
    assert client.get(f"/reports/monthly/{other.pk}/").status_code == 404
    assert client_for("member").get("/reports/monthly/").status_code == 403
    city = client_for("city").get("/reports/monthly/", {"org": tree.x.pk})
    assert list(city.context["page_obj"]) == [other]


def test_the_month_before_comes_from_the_statistics_cache(tree, settings, monkeypatch):
    """March's summary computes 31 March, 28 February and 31 January; April's then computes 30 April only."""
    from django.core.cache import caches

    from dangjian.reports import figures

    settings.CACHES = {**settings.CACHES,
                       "stats": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "monthly"}}
    caches["stats"].clear()
    computed = []
    real = figures.compute

    def counting(scope, sections=None):
        computed.append(scope.on)
        return real(scope, sections)

    monkeypatch.setattr(figures, "compute", counting)
    try:
        assert figures_of(summary_figures(tree.x, D(2026, 3, 1)))["members"] == (5, 6, -1)
        assert computed == [D(2026, 3, 31), D(2026, 2, 28), D(2026, 1, 31)]
        computed.clear()
        april = figures_of(summary_figures(tree.x, D(2026, 4, 1)))
        assert computed == [D(2026, 4, 30)]
        assert april["members"] == (4, 5, -1) and april["left"] == (0, 1, -1)
    finally:
        caches["stats"].clear()


def test_values_are_written_with_their_units():
    from decimal import Decimal

    from django.utils import translation

    from dangjian.reports.formatting import format_value, number

    with translation.override("en"):
        assert format_value(None, "percent") == "—"
        assert format_value(12, "count") == "12"
        assert format_value("66.67", "percent") == "66.67%"
        assert format_value("1234.50", "yuan") == "1234.50 yuan"
        assert format_value("12.5", "hours") == "12.5 hours"
        assert format_value("45.2", "years") == "45.2 years"
        assert format_value("87.50", "score") == "87.50"
    assert number("1234.50") == Decimal("1234.50") and number(7) == Decimal(7)
    assert number({"male": 3, "female": 4}) == Decimal(7)  # a breakdown counts as its total
    assert number(None) is None and number(True) is None and number([1]) is None and number("n/a") is None


def test_summary_rows_show_the_change_with_its_sign(tree):
    from django.utils import translation

    from dangjian.reports.monthly import figure_rows

    summary = MonthlySummary(organization=tree.x, month=D(2026, 3, 1), figures={"on": "2026-03-31", "figures": [
        {"code": "members", "unit": "count", "value": 5, "previous": 6, "change": -1},
        {"code": "dues", "unit": "yuan", "value": "30.00", "previous": None, "change": None},
        {"code": "study", "unit": "percent", "value": "50.00", "previous": "40.00", "change": "10.00"},
        {"code": "admitted", "unit": "count", "value": 0, "previous": 0, "change": 0},
    ]})
    with translation.override("en"):
        rows = {r["code"]: r for r in figure_rows(summary)}
    assert (rows["members"]["display"], rows["members"]["change_display"], rows["members"]["direction"]) == \
        ("5", "-1", "down")
    assert (rows["dues"]["display"], rows["dues"]["previous_display"], rows["dues"]["change_display"],
            rows["dues"]["direction"]) == ("30.00 yuan", "—", "", "")
    assert (rows["study"]["display"], rows["study"]["change_display"], rows["study"]["direction"]) == \
        ("50.00%", "+10.00 points", "up")
    assert (rows["admitted"]["change_display"], rows["admitted"]["direction"]) == ("0", "")
