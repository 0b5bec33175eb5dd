"""Query filters of the transfer list."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.api import IdFilter
from dangjian.organizations.models import Organization

from ..choices import TransferKind, TransferStatus
from ..models import Transfer

DIRECTIONS = [("outgoing", _("Sent from the organizations in view")), ("incoming", _("Addressed to them"))]


class TransferFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TransferStatus.choices)
    kind = django_filters.ChoiceFilter(choices=TransferKind.choices)
    member = IdFilter(field_name="member_id", label=_("Transfers of this member"))
    org = IdFilter(method="filter_org", label=_("Transfers sent from or addressed to this organization's subtree"))
    direction = django_filters.ChoiceFilter(
        choices=DIRECTIONS, method="filter_direction",
        label=_("outgoing: sent from (the subtree of org, or the organizations you see); incoming: addressed to them"))

    class Meta:
        model = Transfer
        fields = ["status", "kind", "member"]

    def _root_path(self):
        org = self.data.get("org")
        if org and str(org).isdigit():
            return Organization.objects.filter(pk=org).values_list("path", flat=True).first() or "-"
        return None

    def filter_org(self, queryset, name, value):
        path = self._root_path()
        if path is None:
            return queryset
        return queryset.filter(Q(from_organization__path__startswith=path) | Q(to_organization__path__startswith=path))

    def filter_direction(self, queryset, name, value):
        field = "from_organization" if value == "outgoing" else "to_organization"
        path = self._root_path()
        if path is not None:
            return queryset.filter(**{f"{field}__path__startswith": path})
        visible = Organization.objects.restrict(self.request.user, "view").values("pk")
        return queryset.filter(**{f"{field}__in": visible})
