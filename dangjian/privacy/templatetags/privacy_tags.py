"""Template tags for the short privacy notice beside resident forms."""
from django import template

from ..notice import current_notice
from ..notice import notice_version as _version

register = template.Library()


@register.simple_tag
def notice_for(purpose):
    """The notice's section of one service (what is collected, why, who sees it, how long)."""
    return current_notice()["by_purpose"].get(purpose)


@register.simple_tag
def notice_version():
    return _version()
