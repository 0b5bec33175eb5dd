"""Template helpers shared by every page."""
from django import template

from dangjian.core.audit import action_label, change_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def audit_action(code):
    return action_label(code)


@register.filter
def changes(entry):
    return change_rows(entry)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def with_class(bound_field):
    """Render a form field with Bootstrap's class for its kind of widget, and error state."""
    widget = bound_field.field.widget
    kind = getattr(widget, "input_type", "")
    css = "form-check-input" if kind in ("checkbox", "radio") else (
        "form-select" if widget.__class__.__name__ in ("Select", "SelectMultiple", "NullBooleanSelect") else "form-control"
    )
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    return bound_field.as_widget(attrs=attrs)


@register.filter
def category_label(code):
    from dangjian.members.choices import Category

    return Category(code).label if code in Category.values else code
