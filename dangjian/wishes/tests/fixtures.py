"""Sample wishes for the wishes tests and the authorization matrix."""
import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.grid.models import Building, Grid
from dangjian.organizations.models import Organization

from ..choices import WishAction
from ..services import wish_submit, wish_transition

FULL_NAME = "王秀英"
PHONE = "13912345678"


def community():
    return Organization.objects.get(name="滨河社区党委")


def building():
    return Building.objects.filter(grid=Grid.objects.get(code="JB0101")).order_by("pk").first()


def make_wish(personas, *, text="想要一套课外读物", surname="王", honorific="ms", **kwargs):
    """A wish of the ``resident`` persona in 滨河社区's first grid, awaiting review."""
    data = {"organization": community(), "building": building(), "text": text, "category": "study",
            "expires_on": timezone.localdate() + datetime.timedelta(days=30), "surname": surname,
            "honorific": honorific, "contact_phone": PHONE}
    data.update(kwargs)
    return wish_submit(actor=personas["resident"], **data)


def advance(wish, personas, *, to: str):
    """Take the wish through publish → claim (by ``member``) → fulfil → thank, up to ``to``."""
    steps = [("publish", "community", {}), ("claim", "member", {}),
             ("fulfil", "member", {"note": "已送到"}), ("thank", "resident", {"thanks": "谢谢！"})]
    for action, who, extra in steps:
        wish = wish_transition(actor=personas[who], wish=wish, action=action, **extra)
        if action == to:
            break
    return wish


def matrix_samples(personas):
    """A wish of the resident awaiting review; a fulfilled wish with its photo; their community."""
    pending = make_wish(personas)
    done = advance(make_wish(personas, text="想要一个书包"), personas, to=WishAction.CLAIM)
    done = wish_transition(actor=personas["member"], wish=done, action=WishAction.FULFIL, note="已送到")
    done.evidence.save("matrix.jpg", ContentFile(b"photo"), save=True)
    return {"wish": pending, "wish_done": done, "wish_community": community()}
