"""The statistics API (for other systems and the 大屏), one answer per organization and day:

* ``GET /api/v1/stats/overview/?org=<id>&date=<yyyy-mm-dd>[&sections=a,b]`` – every figure of the
  subtree on the day (``figures.overview``), one object per section;
* ``GET /api/v1/stats/breakdown/?org=<id>&date=…&figure=<section.figure>`` – one figure for the
  organization and for each of its children;
* ``GET /api/v1/stats/figures/`` – the definition of every figure (what it counts, from which records).

Counts are integers; percentages, hours and money are strings of decimals, null when nothing is
counted; breakdowns are objects keyed by the glossary's codes.
"""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from dangjian.core.access import covers, user_scope
from dangjian.core.api import OrgDayQuerySerializer, RestrictedViewSet
from dangjian.organizations.models import Organization

from .. import figures
from ..figures import BY_CODE, SECTIONS


def _counts(help_text):
    return serializers.DictField(child=serializers.IntegerField(), help_text=help_text)


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    org_type = serializers.CharField()


class SecretariesSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    average_age = serializers.CharField(allow_null=True, help_text=_("Years, one decimal."))
    women = serializers.IntegerField()
    by_education = _counts(_("Education code → secretaries."))
    college_or_above = serializers.IntegerField()
    college_or_above_rate = serializers.CharField(allow_null=True, help_text=_("Percent, two decimals."))


class OrganizationsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Party organizations active on the day, Party groups apart."))
    by_type = _counts(_("Organization type code → organizations."))
    by_unit_kind = _counts(_("Unit kind code → organizations."))
    party_groups = serializers.IntegerField()
    secretaries = SecretariesSerializer()


class LeftSerializer(serializers.Serializer):
    died = serializers.IntegerField()
    resigned = serializers.IntegerField()
    lapsed = serializers.IntegerField()
    removed = serializers.IntegerField()
    expelled = serializers.IntegerField()
    probation_cancelled = serializers.IntegerField()


class ChangesSerializer(serializers.Serializer):
    at_start = serializers.IntegerField(help_text=_("On the roll on the last day of the year before."))
    admitted = serializers.IntegerField()
    transferred_in = serializers.IntegerField()
    transferred_out = serializers.IntegerField()
    left = LeftSerializer()
    left_total = serializers.IntegerField()
    converted = serializers.IntegerField()
    at_end = serializers.IntegerField()


class MembersSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Members on the roll on the day."))
    by_status = _counts(_("Standing code → members."))
    by_category = _counts(_("Category code → members."))
    by_gender = _counts(_("Gender code → members."))
    by_ethnicity = _counts(_("Ethnic group code (GB/T 3304) → members; groups with members only."))
    minorities = serializers.IntegerField()
    by_education = _counts(_("Education code → members; unknown where none is recorded."))
    by_age_band = _counts(_("Age band code → members."))
    changes = ChangesSerializer(help_text=_("From the first of the year to the day."))


def _section_field(section):
    codes = ", ".join(f.code for f in section.figures) or "—"
    return serializers.JSONField(required=False, help_text=gettext("Figures: %(codes)s. See /api/v1/stats/figures/.")
                                 % {"codes": codes})


class OverviewSerializer(serializers.Serializer):
    """Every figure of one organization's subtree on one day."""

    organization = OrganizationRefSerializer()
    date = serializers.DateField()
    computed_at = serializers.DateTimeField(help_text=_(
        "When the figures were computed: answers are kept until a record changes, and a kept answer may be "
        "served while the new one is computed."))
    organizations = OrganizationsSerializer(required=False)
    members = MembersSerializer(required=False)

    def get_fields(self):
        fields = super().get_fields()
        for section in SECTIONS:
            fields.setdefault(section.code, _section_field(section))
        return fields


class BreakdownRowSerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    value = serializers.JSONField(help_text=_("The figure for this organization's subtree."))


class BreakdownSerializer(serializers.Serializer):
    figure = serializers.CharField()
    label = serializers.CharField()
    date = serializers.DateField()
    organization = OrganizationRefSerializer()
    value = serializers.JSONField(help_text=_("The figure for the whole subtree."))
    itself = serializers.JSONField(allow_null=True, help_text=_(
        "The figure over the organization's own records alone; null where the section cannot tell them apart."))
    children = BreakdownRowSerializer(many=True, help_text=_("The figure for each child organization active on "
                                                             "the day."))


class FigureDefinitionSerializer(serializers.Serializer):
    path = serializers.CharField(help_text=_("section.figure, as in the overview."))
    label = serializers.CharField()
    definition = serializers.CharField()
    source = serializers.CharField()
    unit = serializers.CharField()
    keys = serializers.DictField(child=serializers.CharField(), allow_null=True)


class FigureSectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    figures = FigureDefinitionSerializer(many=True)


def _ref(org: Organization) -> dict:
    return {"id": org.pk, "name": org.name, "code": org.code, "org_type": org.org_type}


class _OrgDayView(generics.GenericAPIView):
    authentication_classes = RestrictedViewSet.authentication_classes
    filter_backends = []
    pagination_class = None

    def org_and_day(self, request):
        """The organization (404 out of sight, 403 outside the user's subtrees) and the day."""
        query = OrgDayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        org = get_object_or_404(Organization.objects.restrict(request.user, "view"), pk=query.validated_data["org"])
        if not covers(user_scope(request.user, "view"), org):
            raise exceptions.PermissionDenied
        return org, query.validated_data.get("date") or timezone.localdate()


ORG_PARAM = OpenApiParameter("org", int, required=True, description="An organization whose subtree you oversee.")
DATE_PARAM = OpenApiParameter("date", str, description="The day, yyyy-mm-dd (default: today; not a day to come).")


class OverviewView(_OrgDayView):
    """Every figure of an organization's subtree on a day."""

    serializer_class = OverviewSerializer

    @extend_schema(
        tags=["statistics"],
        summary="Every figure of an organization's subtree on a day",
        parameters=[ORG_PARAM, DATE_PARAM, OpenApiParameter(
            "sections", str, description="Only these sections, comma-separated codes (default: all).")],
        responses=OverviewSerializer,
    )
    def get(self, request):
        org, on = self.org_and_day(request)
        wanted = [code.strip() for code in request.query_params.get("sections", "").split(",") if code.strip()]
        unknown = [code for code in wanted if code not in BY_CODE]
        if unknown:
            raise exceptions.ValidationError({"sections": gettext("Unknown sections: %(codes)s. Known: %(known)s.")
                                              % {"codes": ", ".join(unknown), "known": ", ".join(BY_CODE)}})
        answer = figures.overview(org, on, wanted or None)
        return Response({"organization": _ref(org), "date": on.isoformat(), **answer})


class BreakdownView(_OrgDayView):
    """One figure for an organization and each of its children."""

    serializer_class = BreakdownSerializer

    @extend_schema(
        tags=["statistics"],
        summary="One figure for an organization's subtree and for each child organization's",
        parameters=[ORG_PARAM, DATE_PARAM, OpenApiParameter(
            "figure", str, required=True, description="section.figure, e.g. members.by_gender.")],
        responses=BreakdownSerializer,
    )
    def get(self, request):
        org, on = self.org_and_day(request)
        path = request.query_params.get("figure", "")
        try:
            section, figure = figures.figure(path)
        except KeyError:
            raise exceptions.ValidationError({"figure": gettext("Unknown figure %(path)s: see /api/v1/stats/figures/.")
                                              % {"path": path}}) from None
        path = f"{section.code}.{figure.code}"
        rows = [{"organization": _ref(child), "value": figures.dig(figures.overview(child, on, [section.code]), path)}
                for child, _name in figures.children_on(org, on, request.user)]
        itself = (figures.dig(figures.overview(org, on, [section.code], direct=True), path)
                  if section.direct else None)
        return Response({
            "figure": path, "label": str(figure.label), "date": on.isoformat(), "organization": _ref(org),
            "value": figures.dig(figures.overview(org, on, [section.code]), path), "itself": itself, "children": rows,
        })


class FiguresView(generics.GenericAPIView):
    """The definition of every figure."""

    authentication_classes = RestrictedViewSet.authentication_classes
    serializer_class = FigureSectionSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(tags=["statistics"], summary="What every figure counts, and from which records",
                   responses=FigureSectionSerializer(many=True))
    def get(self, request):
        return Response([
            {"code": section.code, "label": str(section.label), "figures": [
                {"path": f"{section.code}.{f.code}", "label": str(f.label), "definition": str(f.definition),
                 "source": str(f.source), "unit": f.unit,
                 "keys": {k: str(v) for k, v in f.keys().items()} if f.keys else None}
                for f in section.figures]}
            for section in SECTIONS
        ])
