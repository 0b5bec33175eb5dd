"""Sample dues records for the authorization matrix (tests/test_authorization_matrix.py)."""
import datetime

from django.utils import timezone

from dangjian.core.dates import month_start
from dangjian.dues.choices import ReliefKind
from dangjian.dues.models import DuesDeclaration
from dangjian.dues.services import payments_record, relief_request


def matrix_samples(personas, branch, member):
    """A payment of ``member`` of the branch for this month, and a relief waiting for approval."""
    this_month = month_start(timezone.localdate())
    DuesDeclaration.objects.create(member=member, basis="wage", base=4000, effective_from=datetime.date(2026, 1, 1))
    [payment] = payments_record(actor=None, organization=branch, month=this_month, entries=[{"member": member}])
    relief = relief_request(actor=None, member=member, kind=ReliefKind.EXEMPTION, from_month=this_month,
                            to_month=this_month, reason="困难", decided_on=timezone.localdate())
    return {"dues_payment": payment, "dues_relief": relief}
