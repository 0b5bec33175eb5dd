"""Roster search and filters (名册检索), shared by the roster page, the export and the API."""
import re

import django_filters
from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core import pii
from dangjian.core.access import user_scope
from dangjian.core.audit import audit_log
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
# A whole ID number or mobile number: looked up by its blind index (exact, nothing decrypted), but
# only in rows the user may reveal; anyone else could recover a masked number by trying them all.
_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_MOBILE = re.compile(r"1\d{10}")
_HASH_FIELDS = {"id": "id_number_hash", "phone": "phone_hash"}


def _last4(value: str) -> Q:
    return Q(id_number_last4=value.upper()) | Q(phone_last4=value)


def search_filter(queryset, value: str, *, user=None):
    """Name, pinyin, pinyin initials, the last four characters of an ID number or phone, or a
    whole ID number or mobile number.

    The one roster search of the platform: pages, exports and the API all use it. A whole number
    finds by its blind index only the rows ``user`` may reveal, and the look-up is audited
    (:func:`member_search_by_number`); in other rows it is searched by its last four characters,
    as for anyone who may not reveal.
    """
    value = value.strip()
    if not value:
        return queryset
    kind = "id" if _ID_NUMBER.fullmatch(value.upper()) else "phone" if _MOBILE.fullmatch(value) else None
    if kind:
        return member_search_by_number(actor=user, queryset=queryset, kind=kind, number=value)
    if _LAST4.fullmatch(value.upper()):
        return queryset.filter(_last4(value))
    if value.isascii():
        value = value.lower().replace(" ", "")
        return queryset.filter(Q(name_initials__startswith=value) | Q(name_pinyin__startswith=value))
    return queryset.filter(name__contains=value)


def member_search_by_number(*, actor, queryset, kind: str, number: str):
    """The rows of ``queryset`` matching a whole ID number (``kind="id"``) or mobile number.

    Rows ``actor`` may reveal match by the number's blind index; the search is then a look-up of
    personal data and is written to the audit log (``member.searched_by_number``: which kind of
    number and how many were found, never the number). Other rows match by the last four
    characters only, which tells nothing the masked copy does not show. Without any reveal scope
    nothing is looked up and nothing is logged.
    """
    scope = user_scope(actor, "reveal")
    last4 = _last4(number[-4:])
    if scope.empty:
        return queryset.filter(last4)
    exact = Q(**{_HASH_FIELDS[kind]: pii.blind_index(kind, number)})
    if scope.everything:
        matching = exact
    else:
        may_reveal = Member.scope_filter(scope, "reveal")
        exact &= may_reveal
        matching = exact | (last4 & ~may_reveal)
    found = queryset.filter(exact).order_by().count()
    one = queryset.filter(exact).without_protected().select_related("organization").first() if found == 1 else None
    if one is not None:
        organization = one.organization
    else:
        organization = (Organization.objects.filter(path=scope.paths[0]).first()
                        if len(scope.paths) == 1 and not scope.everything else None)
    with transaction.atomic():
        audit_log(actor=actor, action="member.searched_by_number", obj=one, organization=organization,
                  changes={"kind": _HASH_FIELDS[kind].removesuffix("_hash"), "found": found})
    return queryset.filter(matching)


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
        self.user = user
        if not sees_hardship(user):
            del self.filters["in_hardship"]
        visible = Organization.objects.restrict(user, "view")
        self.filters["org"].queryset = visible
        # Any visible organization is accepted, but the drop-down offers only the way around the
        # chosen one (a city has tens of thousands of organizations).
        self.form.fields["org"].widget.choices = org_picker_choices(user, visible, data.get("org"))

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, value, user=self.user)

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
