"""Demo small wishes for 滨河社区 (江滨街道): a board with wishes in every state.

Needs the demo city and the grid demo (buildings of 滨河社区's grids) and the personas.
"""
import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.access import user_scope
from dangjian.grid.models import Building
from dangjian.organizations.models import Organization

from .choices import WishAction, WishCategory
from .models import Wish
from .services import wish_submit, wish_transition

COMMUNITY = "滨河社区党委"
WISHES = [
    ("希望有人帮忙修一下家里漏水的水龙头。", WishCategory.REPAIR, Decimal("50"), "王", "ms"),
    ("孙子上三年级，想要一套课外读物。", WishCategory.STUDY, Decimal("120"), "李", "mr"),
    ("想要一台血压计，方便每天在家量血压。", WishCategory.HEALTH, Decimal("200"), "张", ""),
    ("独居在家，希望周末有人来陪我聊聊天。", WishCategory.COMPANY, None, "", ""),
    ("冬天快到了，想要一床厚棉被。", WishCategory.DAILY, Decimal("150"), "刘", "ms"),
    ("希望有人教我用智能手机视频通话。", WishCategory.COMPANY, None, "陈", "mr"),
    ("想给孩子买一个新书包。", WishCategory.STUDY, Decimal("80"), "赵", "ms"),
    ("楼道灯坏了，希望换个感应灯。", WishCategory.REPAIR, Decimal("40"), "", ""),
]
# Where each wish's life stops: 0 submitted, 1 published, 2 claimed, 3 fulfilled, 4 thanked, -1 rejected.
STAGES = [0, 1, 1, 2, 3, 4, -1, 2]


def _tiny_png() -> ContentFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 60)).save(out, format="PNG")
    return ContentFile(out.getvalue(), name="wish.png")


def build_demo(*, seed: int = 1) -> list[Wish]:
    rng = random.Random(seed)
    today = timezone.localdate()
    community = Organization.objects.get(name=COMMUNITY)
    buildings = list(Building.objects.filter(grid__organization=community, grid__active=True).order_by("pk")[:6])
    users = {u.username: u for u in User.objects.filter(username__in=["resident", "grid", "community", "member"])}
    made = []
    with transaction.atomic():
        for i, (text, category, value, surname, honorific) in enumerate(WISHES):
            building = buildings[i % len(buildings)] if buildings else None
            on_behalf = (i % 3 == 1 and "grid" in users and building is not None
                         and building.grid_id in user_scope(users["grid"], "add").grid_ids)
            actor = users.get("grid") if on_behalf else users.get("resident")
            wish = wish_submit(actor=actor, organization=community, building=building, text=text, category=category,
                               estimated_value=value, surname=surname, honorific=honorific,
                               expires_on=today + datetime.timedelta(days=rng.randint(20, 60)),
                               contact_phone=f"139{rng.randint(10000000, 99999999)}", on_behalf=on_behalf)
            stage = STAGES[i]
            reviewer, member = users.get("community"), users.get("member")
            if stage == -1:
                wish = wish_transition(actor=reviewer, wish=wish, action=WishAction.REJECT,
                                       note="此类维修属于物业责任，已转物业处理。")
            if stage >= 1:
                wish = wish_transition(actor=reviewer, wish=wish, action=WishAction.PUBLISH)
            if stage >= 2:
                unit = "临江市供电公司江滨营业所" if i % 2 else ""
                wish = wish_transition(actor=reviewer if unit else member, wish=wish, action=WishAction.CLAIM,
                                       unit=unit)
            if stage >= 3:
                wish = wish_transition(actor=reviewer, wish=wish, action=WishAction.FULFIL, photo=_tiny_png(),
                                       note="已送到居民家中。")
            if stage >= 4:
                wish = wish_transition(actor=users["grid"] if wish.filed_by_id else users["resident"], wish=wish,
                                       action=WishAction.THANK, thanks="谢谢社区和党员同志的关心！")
            made.append(wish)
    return made
