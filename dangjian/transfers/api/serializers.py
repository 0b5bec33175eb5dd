"""What the transfer endpoints show and accept. Inputs go to the services unchanged; the checks
(who may act, validity, a member in one organization at a time) live there."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.core.api import VisiblePrimaryKeyRelatedField
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from ..choices import TransferKind, TransferReason
from ..models import Transfer, TransferStep

# Where a new letter may go (a letter from elsewhere is entered on the page, with the member).
SEND_KINDS = [c for c in TransferKind.choices if c[0] != TransferKind.INCOMING]


class TransferStepSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    side_display = serializers.CharField(source="get_side_display", read_only=True)

    class Meta:
        model = TransferStep
        fields = ["side", "side_display", "on", "at", "from_status", "to_status", "note", "actor_name"]
        read_only_fields = fields

    def get_actor_name(self, step) -> str:
        actor = step.actor
        return (actor.get_full_name() or actor.get_username()) if actor else ""


class TransferSerializer(serializers.ModelSerializer):
    """A transfer as both sides see it: the member's name and masked ID number, never more."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    member_id_number_masked = serializers.CharField(source="member.id_number_masked", read_only=True)
    from_organization_name = serializers.CharField(source="from_label", read_only=True)
    to_organization_name = serializers.CharField(source="to_label", read_only=True)
    expired = serializers.BooleanField(source="is_expired", read_only=True,
                                       help_text=_("A pending letter past its validity: it must be re-issued."))
    dues_paid_until = serializers.DateField(format="%Y-%m", read_only=True, help_text=_("The month, yyyy-mm."))

    class Meta:
        model = Transfer
        fields = [
            "id", "kind", "kind_display", "status", "status_display", "expired", "member", "member_name",
            "member_id_number_masked", "from_organization", "from_organization_name", "to_organization",
            "to_organization_name", "destination", "origin", "letter_number", "reason", "reason_display",
            "reason_note", "dues_paid_until", "sent_on", "valid_until", "rule_version", "received_on", "returned_on",
            "closing_note",
        ]
        read_only_fields = fields


class TransferDetailSerializer(TransferSerializer):
    steps = TransferStepSerializer(many=True, read_only=True)

    class Meta(TransferSerializer.Meta):
        fields = [*TransferSerializer.Meta.fields, "steps"]
        read_only_fields = fields


class TransferSendSerializer(serializers.Serializer):
    """Issue a letter for a member you may change: within the platform (``to_organization``) or to
    an organization elsewhere (``destination``)."""

    member = VisiblePrimaryKeyRelatedField(queryset=Member.objects.without_protected())
    kind = serializers.ChoiceField(choices=SEND_KINDS, default=TransferKind.WITHIN)
    to_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True,
        help_text=_("Any active organization holding members, anywhere on the platform."))
    destination = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    reason = serializers.ChoiceField(choices=TransferReason.choices)
    reason_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    dues_paid_until = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"], help_text=_("The month, yyyy-mm."))
    sent_on = serializers.DateField(required=False)


class ReceiveSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Day of receipt (today if left out)."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text=_("Why the transfer is rejected or cancelled."))
