"""What the service-centre endpoints show: public fields of centres and their catalogue."""
from rest_framework import serializers

from ..models import RepresentativeDay, ServiceCentre, ServiceItem


class ServiceItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = ["id", "name", "description", "duration", "needs_booking", "capacity", "needs_phone", "active"]
        read_only_fields = fields


class RepresentativeDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = RepresentativeDay
        fields = ["id", "day", "starts", "ends", "delegate_name", "topic"]
        read_only_fields = fields


class ServiceCentreSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    open_days = serializers.ListField(source="day_numbers", child=serializers.IntegerField(), read_only=True,
                                      help_text="Weekdays open, 0 = Monday.")
    items = ServiceItemSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceCentre
        fields = ["id", "name", "kind", "kind_display", "organization", "organization_name", "address", "phone",
                  "open_days", "opens", "closes", "hours_note", "coverage", "active", "items"]
        read_only_fields = fields


class ServiceCentreDetailSerializer(ServiceCentreSerializer):
    representative_days = RepresentativeDaySerializer(many=True, read_only=True)

    class Meta(ServiceCentreSerializer.Meta):
        fields = [*ServiceCentreSerializer.Meta.fields, "representative_days"]
        read_only_fields = fields
