"""The dues demo data builds quickly and leaves something to look at."""
import time

from dangjian.dues.demo import build_demo
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesRelief
from dangjian.dues.selectors import branch_ledger


def test_build_demo(org):
    started = time.monotonic()
    build_demo(seed=1)
    assert time.monotonic() - started < 10
    assert DuesDeclaration.objects.count() > 50
    assert DuesPayment.objects.filter(organization=org["branch"]).exists()
    assert set(DuesRelief.objects.values_list("status", flat=True)) == {"approved", "pending"}
    ledger = branch_ledger(org["branch"], DuesPayment.objects.latest("month").month.year)
    assert ledger.paid > 0 and ledger.rows


def test_workbench_counts_agree_with_the_arrears_selector(org, client_for):
    """The workbench counts arrears in SQL; the ledgers in Python: both say the same."""
    import datetime

    from django.utils import timezone

    from dangjian.dues.calculation import DuesRules
    from dangjian.dues.selectors import _arrears_counts, arrears, thresholds
    from dangjian.members.models import Member

    build_demo(seed=3)
    root, today = org["community"], timezone.localdate()
    for as_of in (today, today + datetime.timedelta(days=40), today + datetime.timedelta(days=100)):
        standings = arrears(root, as_of)
        rules = DuesRules()
        limits = thresholds(rules, as_of, root.path)
        members = Member.objects.filter(status__in=("full", "probationary", "lost_contact", "suspended"),
                                        organization__path__startswith=root.path)
        warn, serious, _unpaid = _arrears_counts(members, rules, limits, as_of, root.path)
        assert serious == sum(1 for s in standings if s.level == "serious")
        assert warn == sum(1 for s in standings if s.level == "warn")
    assert serious > 0
