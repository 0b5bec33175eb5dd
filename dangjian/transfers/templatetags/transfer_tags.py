"""The member page's panel of transfers and time away (流动党员)."""
from django import template

from ..selectors import member_status_panel

register = template.Library()


@register.inclusion_tag("transfers/_member_panel.html", takes_context=True)
def member_transfer_panel(context, member):
    """Whether the member is away and whether a transfer is pending (two small queries)."""
    return {**member_status_panel(member), "member": member, "can_change": context.get("can_change", False),
            "on_roll": member.is_on_roll}
