"""What the partner-unit endpoints show: the contact phone only masked."""
from rest_framework import serializers

from ..models import PartnerUnit, Resource


class ResourceSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Resource
        fields = ["id", "kind", "kind_display", "name", "description", "capacity", "availability", "active"]
        read_only_fields = fields


class PartnerUnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    resource_count = serializers.IntegerField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartnerUnit
        fields = ["id", "name", "kind", "kind_display", "organization", "organization_name", "address",
                  "contact_name", "phone_masked", "party_organization", "registered_on", "active", "resource_count",
                  "project_count"]
        read_only_fields = fields


class PartnerUnitDetailSerializer(PartnerUnitSerializer):
    resources = ResourceSerializer(many=True, read_only=True)

    class Meta(PartnerUnitSerializer.Meta):
        fields = [*PartnerUnitSerializer.Meta.fields, "resources"]
        read_only_fields = fields
