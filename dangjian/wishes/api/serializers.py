"""What the wish endpoints show and accept (never the wisher's account, phone or full name)."""
from rest_framework import serializers

from dangjian.grid.models import Building
from dangjian.organizations.models import Organization

from ..choices import Honorific, WishCategory
from ..models import Wish


class WishSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, default=None)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    claimed_by_me = serializers.SerializerMethodField()

    class Meta:
        model = Wish
        fields = ["id", "organization", "organization_name", "building", "building_name", "display_name", "text",
                  "category", "category_display", "estimated_value", "expires_on", "status", "status_display",
                  "claimed_unit", "claimed_by_me", "fulfil_by", "fulfil_note", "thanks", "created_at"]
        read_only_fields = fields

    def get_claimed_by_me(self, wish) -> bool:
        request = self.context.get("request")
        return bool(request and wish.claimed_by_id and wish.claimed_by_id == request.user.pk)


class WishCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(grids__active=True).distinct())
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.filter(grid__active=True), required=False,
                                                  allow_null=True)
    text = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=WishCategory.choices)
    estimated_value = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    expires_on = serializers.DateField()
    surname = serializers.CharField(max_length=2, required=False, allow_blank=True)
    honorific = serializers.ChoiceField(choices=Honorific.choices, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class ClaimSerializer(serializers.Serializer):
    fulfil_by = serializers.DateField(required=False, allow_null=True)
    unit = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                 help_text="A partner unit's name (secretaries only); empty to claim yourself.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class FulfilSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    photo = serializers.ImageField(required=False, allow_null=True)


