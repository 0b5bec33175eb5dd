"""Template helpers of membership dues: amounts in yuan, and the dues section of a member's page."""
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def yuan(value):
    """An amount as ¥1,234.50; empty for None."""
    if value is None or value == "":
        return ""
    try:
        return f"¥{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def percent(rate):
    """A rate such as "0.015" as 1.5%."""
    try:
        value = (Decimal(str(rate)) * 100).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return rate
    return f"{value:f}%"


@register.filter
def at(sequence, index):
    try:
        return sequence[index]
    except (IndexError, KeyError, TypeError):
        return None


@register.inclusion_tag("dues/_member_section.html", takes_context=True)
def dues_section(context, member):
    """The "Dues" card of a member's page: paid up to, arrears, what is due this month. Shown to
    those who may see the member's dues (the member themself, secretaries and organizers above);
    never to branch-mates."""
    from dangjian.core.dates import month_start

    from ..selectors import arrears, due_for, paid_up_to, sees_dues_of

    user = context["request"].user
    if not sees_dues_of(user, member):
        return {"show": False}
    today = timezone.localdate()
    return {
        "show": True, "member": member, "standing": arrears(member, today), "paid_up_to": paid_up_to(member),
        "due": due_for(member, today), "this_month": month_start(today),
        "can_change": member.is_on_roll and sees_dues_of(user, member, "change"),
    }
