"""The coverage badge: one colour and label per coverage code on every page."""
from django import template
from django.utils.html import format_html

from ..choices import Coverage

register = template.Library()

BADGE_CLASSES = {Coverage.OWN: "text-bg-success", Coverage.JOINT: "text-bg-info",
                 Coverage.GUIDED: "text-bg-warning", Coverage.NONE: "text-bg-danger"}


@register.simple_tag
def coverage_badge(code, extra: str = ""):
    """``<span class="badge …">单独建立党组织</span>`` for a coverage code (none for an unknown one)."""
    try:
        coverage = Coverage(code)
    except ValueError:
        return ""
    return format_html('<span class="badge {} {}">{}</span>', BADGE_CLASSES[coverage], extra, coverage.label)


@register.filter
def coverage_class(code) -> str:
    """The badge colour class of a coverage code, for links styled as badges."""
    try:
        return BADGE_CLASSES[Coverage(code)]
    except ValueError:
        return "text-bg-secondary"
