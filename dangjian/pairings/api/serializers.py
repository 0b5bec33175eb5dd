"""What the pairing endpoints show: the household by building and room with its masked phone only."""
from rest_framework import serializers

from ..models import Pairing, PairingVisit


class PairingVisitSerializer(serializers.ModelSerializer):
    help_kind_display = serializers.CharField(source="get_help_kind_display", read_only=True)

    class Meta:
        model = PairingVisit
        fields = ["id", "visited_on", "visitor_name", "found", "help_kind", "help_kind_display", "amount", "note"]
        read_only_fields = fields


class PairingSerializer(serializers.ModelSerializer):
    helper_name = serializers.CharField(read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    building = serializers.CharField(source="household.building.name", read_only=True)
    room = serializers.CharField(source="household.room", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Pairing
        fields = ["id", "organization", "organization_name", "member", "unit_name", "helper_name", "household",
                  "building", "room", "started_on", "ended_on", "status", "status_display"]
        read_only_fields = fields


class PairingDetailSerializer(PairingSerializer):
    phone_masked = serializers.CharField(source="household.phone_masked", read_only=True)
    visits = PairingVisitSerializer(many=True, read_only=True)

    class Meta(PairingSerializer.Meta):
        fields = [*PairingSerializer.Meta.fields, "goals", "end_note", "phone_masked", "visits"]
        read_only_fields = fields
