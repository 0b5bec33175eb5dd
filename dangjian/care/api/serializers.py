"""What the hardship-case endpoints show (read only: cases change through the pages' services)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import HardshipKind
from ..models import HardshipCase, SupportRecord


class SupportRecordSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    funding_source_display = serializers.CharField(source="get_funding_source_display", read_only=True)

    class Meta:
        model = SupportRecord
        fields = ["id", "given_on", "kind", "kind_display", "amount", "goods", "given_by_organization", "given_by",
                  "funding_source", "funding_source_display", "note"]
        read_only_fields = fields


class HardshipCaseSerializer(serializers.ModelSerializer):
    """A hardship case as lists show it; amounts are yuan with two decimals."""

    member_name = serializers.CharField(source="member.name", read_only=True)
    organization = serializers.IntegerField(source="member.organization_id", read_only=True)
    organization_name = serializers.CharField(source="member.organization.name", read_only=True)
    kinds = serializers.SerializerMethodField(help_text=_("Codes of the kinds of difficulty."))
    kinds_display = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    support_count = serializers.IntegerField(read_only=True, help_text=_("Times support was given."))
    money_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True,
                                           help_text=_("Money given, in yuan."))
    last_support = serializers.DateField(read_only=True, allow_null=True)
    last_visit = serializers.DateField(read_only=True, allow_null=True,
                                       help_text=_("The member's latest care visit, on any occasion."))

    class Meta:
        model = HardshipCase
        fields = ["id", "member", "member_name", "organization", "organization_name", "kinds", "kinds_display",
                  "since", "opened_on", "status", "status_display", "closed_on", "support_count", "money_total",
                  "last_support", "last_visit"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=HardshipKind.choices)))
    def get_kinds(self, case) -> list[str]:
        return case.kind_list


class HardshipCaseDetailSerializer(HardshipCaseSerializer):
    """One case with its situation, outcome and the support given."""

    supports = SupportRecordSerializer(many=True, read_only=True)

    class Meta(HardshipCaseSerializer.Meta):
        fields = [*HardshipCaseSerializer.Meta.fields, "situation", "outcome", "supports"]
        read_only_fields = fields
