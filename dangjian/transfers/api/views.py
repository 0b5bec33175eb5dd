"""The transfer endpoints: /api/v1/transfers/ (list, detail, POST to send) and the actions
``receive`` and ``reject`` (receiving side) and ``cancel`` (sending side)."""
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action

from dangjian.core.access import can
from dangjian.core.api import RestrictedViewSet, StableOrderingFilter
from dangjian.members.models import PROTECTED_FIELDS

from ..choices import Side
from ..models import Transfer
from ..services import may_act, transfer_cancel, transfer_receive, transfer_reject, transfer_send
from .filters import TransferFilter
from .serializers import (
    ReasonSerializer,
    ReceiveSerializer,
    TransferDetailSerializer,
    TransferSendSerializer,
    TransferSerializer,
)


@extend_schema(tags=["transfers"])
@extend_schema_view(
    list=extend_schema(summary="Transfers sent from or addressed to your organizations"),
    retrieve=extend_schema(summary="One transfer with its steps"),
    create=extend_schema(summary="Issue a transfer letter for a member", responses={201: TransferDetailSerializer}),
)
class TransferViewSet(RestrictedViewSet):
    """Both sides see a transfer; the receiving side sees the member's name and masked data only."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = Transfer.objects.all()
    serializer_class = TransferSerializer
    detail_serializer_class = TransferDetailSerializer
    create_serializer_class = TransferSendSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = TransferFilter
    ordering_fields = ["sent_on", "valid_until"]
    ordering = ["-sent_on", "-id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("member", "from_organization", "to_organization").defer(
            *(f"member__{f}" for f in PROTECTED_FIELDS))
        if self.action != "list":
            queryset = queryset.prefetch_related("steps__actor")
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = TransferSendSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = data.pop("member")
        if not can(request.user, "change", member):
            raise exceptions.PermissionDenied
        transfer = transfer_send(actor=request.user, member=member, **data)
        return self.output(transfer, status.HTTP_201_CREATED)

    def acting(self, side: str) -> Transfer:
        """The transfer of the URL: 404 out of sight, 403 for a user not on ``side``."""
        transfer = self.get_object()
        if not may_act(self.request.user, transfer, side):
            raise exceptions.PermissionDenied
        return transfer

    @extend_schema(summary="Receive the member (receiving side)", request=ReceiveSerializer,
                   responses=TransferDetailSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        transfer = self.acting(Side.RECEIVING)
        serializer = ReceiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.output(transfer_receive(actor=request.user, transfer=transfer, **serializer.validated_data))

    @extend_schema(summary="Reject the transfer, saying why (receiving side)", request=ReasonSerializer,
                   responses=TransferDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        transfer = self.acting(Side.RECEIVING)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.output(transfer_reject(actor=request.user, transfer=transfer,
                                           reason=serializer.validated_data["reason"]))

    @extend_schema(summary="Cancel the transfer, saying why (sending side)", request=ReasonSerializer,
                   responses=TransferDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        transfer = self.acting(Side.SENDING)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.output(transfer_cancel(actor=request.user, transfer=transfer,
                                           reason=serializer.validated_data["reason"]))
