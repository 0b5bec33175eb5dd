"""The "Hardship and care" section of a member's page, shown only to those who may see it."""
from decimal import Decimal

from django import template

from ..models import care_scope, in_care_scope

register = template.Library()


@register.filter
def yuan(value):
    """An amount of money as ¥1,234.50 (Decimal, never float); empty for None."""
    if value is None or value == "":
        return ""
    return f"¥{Decimal(value):,.2f}"


@register.inclusion_tag("care/_member_section.html", takes_context=True)
def care_section(context, member):
    """Hardship cases and care visits of ``member`` (two queries), or nothing for those who may
    not see them (ordinary members, even on their own page)."""
    user = context["request"].user
    if not in_care_scope(care_scope(user, "view"), member.organization):
        return {"show": False}
    return {
        "show": True, "member": member,
        "cases": list(member.hardship_cases.order_by("status", "-opened_on")[:10]),
        "visits": list(member.care_visits.order_by("-visited_on", "-id")[:5]),
        "can_add": member.is_on_roll and in_care_scope(care_scope(user, "add"), member.organization),
    }
