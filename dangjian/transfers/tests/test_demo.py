"""The demo transfers and mobile members load on the demo city, through the services."""
import time

from dangjian.organizations.models import Organization
from dangjian.transfers.demo import build_demo
from dangjian.transfers.models import MobileActivity, MobileMember, Transfer


def test_build_demo(db):
    started = time.monotonic()
    build_demo(seed=1)
    assert time.monotonic() - started < 5
    statuses = set(Transfer.objects.values_list("status", flat=True))
    assert statuses == {"pending", "received", "rejected", "cancelled", "returned"}
    assert Transfer.objects.filter(kind="incoming").count() == 2
    assert any(t.is_expired for t in Transfer.objects.filter(status="pending"))
    temporary = Organization.objects.get(org_type="temporary_branch")
    assert MobileMember.objects.filter(contact_organization=temporary).count() == 3
    assert MobileMember.objects.active().count() == 6 and MobileActivity.objects.exists()
