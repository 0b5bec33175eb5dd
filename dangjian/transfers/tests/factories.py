"""Sample transfers and mobile members for the cross-app authorization matrix."""
from django.utils import timezone

from dangjian.members.choices import MemberStatus
from dangjian.organizations.models import Organization
from dangjian.transfers import mobile, services
from dangjian.transfers.choices import TransferKind


def matrix_samples(personas, branch) -> dict:
    """Objects of the ``branch`` persona's branch: a letter to a village branch outside the
    community (``transfer``: only the sending side and the city see it), a letter to elsewhere
    (``outgoing_transfer``) and a member registered as away (``mobile``)."""
    today = timezone.localdate()
    first, second, third = (branch.members.filter(status=MemberStatus.FULL, user__isnull=True, posts__isnull=True)
                            .without_protected().order_by("-id")[:3])
    village = Organization.objects.get(name="青山村党支部")
    common = {"actor": None, "reason": "employer", "dues_paid_until": today.replace(day=1), "sent_on": today}
    return {
        "transfer": services.transfer_send(member=first, to_organization=village, **common),
        "outgoing_transfer": services.transfer_send(member=second, kind=TransferKind.OUTGOING, destination="外省某支部",
                                                    **common),
        "mobile": mobile.mobile_register(actor=None, member=third, destination="广东省深圳市", left_on=today),
    }
