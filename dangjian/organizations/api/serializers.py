"""What the organization endpoints show and accept.

Reading uses :class:`OrganizationSerializer` (lists) and :class:`OrganizationDetailSerializer`
(one organization); writing uses the input serializers, whose data go to the services
unchanged. Moving, merging, splitting and dissolving have their own services and are not
plain edits, so ``parent`` and ``status`` cannot be patched.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.core.api import VisiblePrimaryKeyRelatedField

from ..models import Organization
from ..selectors import subtree_member_counts
from ..services import EDITABLE_FIELDS


class OrganizationSerializer(serializers.ModelSerializer):
    """An organization with its place in the tree; ``*_display`` fields are the labels of codes."""

    parent = serializers.IntegerField(
        source="parent_pk", read_only=True, allow_null=True, help_text=_("The organization directly above (none for a root)."),
    )
    children_count = serializers.IntegerField(
        source="numchild", read_only=True, help_text=_("Organizations directly below, whatever their status."),
    )
    org_type_display = serializers.CharField(source="get_org_type_display", read_only=True)
    unit_kind_display = serializers.CharField(source="get_unit_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id", "name", "short_name", "code", "org_type", "org_type_display", "unit_kind", "unit_kind_display",
            "status", "status_display", "parent", "depth", "children_count", "unit", "established_on", "address",
            "contact_person", "contact_phone",
        ]
        read_only_fields = fields


class OrganizationDetailSerializer(OrganizationSerializer):
    """One organization, with the number of members on the roll in it and everything below it.

    Lists leave the count out: counting a whole subtree for every row of a page is too heavy.
    """

    member_count = serializers.SerializerMethodField(
        help_text=_("Members on the roll in this organization and all organizations below it."),
    )

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "member_count"]
        read_only_fields = fields

    def get_member_count(self, organization) -> int:
        return subtree_member_counts([organization])[organization.pk]


class OrganizationCreateSerializer(serializers.ModelSerializer):
    """A new organization under ``parent`` (null: a new root, for administrators only)."""

    parent = VisiblePrimaryKeyRelatedField(
        queryset=Organization.objects.all(), allow_null=True,
        help_text=_("The organization it is set up under; you must be allowed to add organizations there."),
    )

    class Meta:
        model = Organization
        fields = [
            "parent", "name", "code", "org_type", "unit_kind", "short_name", "established_on", "address",
            "contact_person", "contact_phone",
        ]
        # The service checks that the code is unique, with its own message.
        extra_kwargs = {"code": {"validators": []}}


class OrganizationUpdateSerializer(serializers.ModelSerializer):
    """The attributes an edit may change (``organization_update``'s editable fields)."""

    class Meta:
        model = Organization
        fields = [f for f in EDITABLE_FIELDS if f != "unit"]
        extra_kwargs = {"code": {"validators": []}}
