"""Links from the contacts and statistics pages to the firm register's pages (part A's routes,
with their plain paths as a fallback while those pages are not mounted)."""
from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


def firm_url(pk) -> str:
    try:
        return reverse("coverage:firm", args=[pk])
    except NoReverseMatch:
        return f"/coverage/firms/{pk}/"


def firms_url() -> str:
    try:
        return reverse("coverage:firms")
    except NoReverseMatch:
        return "/coverage/firms/"


def firms_ready_url() -> str:
    try:
        return reverse("coverage:firms_ready")
    except NoReverseMatch:
        return "/coverage/firms/ready/"


register.filter("firm_url", firm_url)
register.simple_tag(firms_url, name="firms_url")
