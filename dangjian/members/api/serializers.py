"""What the member endpoints show and accept.

Responses carry only the masked copies of protected data (``id_number_masked``,
``phone_masked``, ``address_masked``); seeing a value in full is a logged reveal with a
purpose, not part of this API. Input accepts the plain ``id_number``, ``phone`` and
``address``, which the services encrypt. All checks of a member's data live in the services
(``member_check``), so the messages are the same as on the pages.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.core.api import VisiblePrimaryKeyRelatedField
from dangjian.organizations.models import Organization

from ..filters import sees_hardship
from ..models import Member


class MemberSerializer(serializers.ModelSerializer):
    """A member's register entry; ``*_display`` fields are the labels of codes."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    party_standing = serializers.SerializerMethodField(help_text=_("Whole years as a full member (党龄)."))
    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    ethnicity_display = serializers.CharField(source="get_ethnicity_display", read_only=True)
    education_display = serializers.CharField(source="get_education_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id", "name", "name_pinyin", "gender", "gender_display", "ethnicity", "ethnicity_display", "birth_date",
            "id_number_masked", "phone_masked", "address_masked", "education", "education_display", "joined_on",
            "full_member_on", "party_standing", "status", "status_display", "category", "category_display",
            "in_hardship", "organization", "organization_name", "party_group", "work_unit", "job", "updated_at",
        ]
        read_only_fields = fields

    def get_party_standing(self, member) -> int:
        return member.party_standing()

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not sees_hardship(request.user):
            fields.pop("in_hardship", None)
        return fields


class ProtectedInput(serializers.Serializer):
    """Plain protected values, accepted as input and never shown back."""

    id_number = serializers.CharField(write_only=True, help_text=_("The full resident ID number (18 characters)."))
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    address = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)


class MemberCreateSerializer(ProtectedInput, serializers.ModelSerializer):
    """A new member of ``organization`` (one where you may add members)."""

    organization = VisiblePrimaryKeyRelatedField(queryset=Organization.objects.all())
    party_group = VisiblePrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Member
        fields = [
            "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address", "education", "joined_on",
            "full_member_on", "status", "category", "organization", "party_group", "work_unit", "job",
        ]


class MemberUpdateSerializer(ProtectedInput, serializers.ModelSerializer):
    """Corrections to a register entry. Moving to another organization and changes of standing
    (转正, 停止党籍, 出党…) are workflows with their own services, so ``organization`` and
    ``status`` are not accepted here."""

    party_group = VisiblePrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Member
        fields = [
            "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address", "education", "joined_on",
            "full_member_on", "category", "party_group", "work_unit", "job",
        ]
