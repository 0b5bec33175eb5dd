"""Roster search and filters (名册检索), shared by the roster page, the export and the API."""
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core import pii
from dangjian.organizations.models import Organization

from .choices import ON_ROLL, Category, Education, Gender, MemberStatus
from .models import Member

SORTS = {
    "name": ("name_pinyin", "id"),
    "-joined": ("-joined_on", "id"),
    "joined": ("joined_on", "id"),
    "age": ("birth_date", "id"),
    "-age": ("-birth_date", "id"),
}
SORT_CHOICES = [
    ("name", _("Name (pinyin)")), ("joined", _("Joined, earliest first")), ("-joined", _("Joined, latest first")),
    ("age", _("Oldest first")), ("-age", _("Youngest first")),
]
STATUS_CHOICES = [("on_roll", _("On the roll")), *MemberStatus.choices, ("all", _("All, including former"))]


# Four trailing characters of an ID number (the last may be X) or of a phone number.
_LAST4 = re.compile(r"\d{3}[\dX]")
# A whole ID number or mobile number: looked up by its blind index (exact, nothing decrypted).
_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_MOBILE = re.compile(r"1\d{10}")


def search_filter(queryset, value: str):
    """Name, pinyin, pinyin initials, the last four characters of an ID number or phone, or a
    whole ID number or mobile number (by its blind index).

    The one roster search of the platform: pages, exports and the API all use it.
    """
    value = value.strip()
    if not value:
        return queryset
    if _ID_NUMBER.fullmatch(value.upper()):
        return queryset.filter(id_number_hash=pii.blind_index("id", value))
    if _MOBILE.fullmatch(value):
        return queryset.filter(phone_hash=pii.blind_index("phone", value))
    if _LAST4.fullmatch(value.upper()):
        return queryset.filter(Q(id_number_last4=value.upper()) | Q(phone_last4=value))
    if value.isascii():
        value = value.lower().replace(" ", "")
        return queryset.filter(Q(name_initials__startswith=value) | Q(name_pinyin__startswith=value))
    return queryset.filter(name__contains=value)


def org_picker_choices(user, visible, chosen_pk) -> list[tuple]:
    """The organizations offered for narrowing the roster: the user's top organizations, and
    around the chosen one its superiors, itself and its sub-organizations."""
    from dangjian.organizations.selectors import children_of, scope_roots, visible_ancestors

    shown = {org.pk: org for org in scope_roots(user)}
    chosen = visible.filter(pk=chosen_pk).first() if str(chosen_pk or "").isdigit() else None
    if chosen is not None:
        for org in [*visible_ancestors(chosen, user), chosen, *children_of(chosen, user)]:
            shown[org.pk] = org
    top = min((org.depth for org in shown.values()), default=1)
    return [("", "---------")] + [
        (org.pk, "　" * (org.depth - top) + org.name) for org in sorted(shown.values(), key=lambda o: o.path)
    ]


def sees_hardship(user) -> bool:
    """Whether a member's hardship mark is shown to ``user``: only to those who keep care records
    (secretaries and organizers, auditors), never to ordinary members or committee members."""
    from dangjian.care.models import care_scope

    return not care_scope(user).empty


class MemberFilter(django_filters.FilterSet):
    """The roster's filters. ``org`` narrows to an organization's subtree (it must be visible)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q", widget=forms.TextInput(
        attrs={"placeholder": _("Name, pinyin initials or last 4 digits of ID"), "type": "search"}))
    org = django_filters.ModelChoiceFilter(label=_("Organization"), queryset=Organization.objects.none(),
                                           method="filter_org")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status",
                                         empty_label=None)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    education = django_filters.ChoiceFilter(label=_("Education"), choices=Education.choices)
    in_hardship = django_filters.BooleanFilter(label=_("In hardship"), widget=forms.Select(
        choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]))
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORT_CHOICES, method="filter_sort", empty_label=None)

    class Meta:
        model = Member
        fields = ["q", "org", "status", "category", "gender", "education", "in_hardship", "sort"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "on_roll")
        data.setdefault("sort", "name")
        super().__init__(data, *args, **kwargs)
        if not sees_hardship(user):
            del self.filters["in_hardship"]
        visible = Organization.objects.restrict(user, "view")
        self.filters["org"].queryset = visible
        # Any visible organization is accepted, but the drop-down offers only the way around the
        # chosen one (a city has tens of thousands of organizations).
        self.form.fields["org"].widget.choices = org_picker_choices(user, visible, data.get("org"))

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, value)

    def filter_org(self, queryset, name, value):
        return queryset.filter(organization__in=Organization.objects.filter(path__startswith=value.path).values("pk"))

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        if value == "on_roll":
            return queryset.filter(status__in=ON_ROLL)
        return queryset.filter(status=value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))
