"""/api/v1/wishes/: small wishes in the user's sight; submit (POST), claim and fulfil."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from dangjian.core.api import RestrictedViewSet, StableOrderingFilter

from ..choices import WishAction, WishStatus
from ..models import Wish
from ..services import wish_submit, wish_transition
from .serializers import ClaimSerializer, FulfilSerializer, WishCreateSerializer, WishSerializer


@extend_schema(tags=["wishes"])
@extend_schema_view(
    list=extend_schema(summary="Small wishes in your sight, newest first"),
    retrieve=extend_schema(summary="One small wish"),
    create=extend_schema(summary="Make a small wish (awaits review)", request=WishCreateSerializer,
                         responses={201: WishSerializer}),
)
class WishViewSet(RestrictedViewSet):
    http_method_names = ["get", "post", "head", "options"]
    queryset = Wish.objects.all()
    serializer_class = WishSerializer
    create_serializer_class = WishCreateSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["created_at", "expires_on"]
    ordering = ["-created_at", "-id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("organization", "building")
        wanted = self.request.query_params.get("status")
        if wanted in WishStatus.values:
            queryset = queryset.filter(status=wanted)
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = WishCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wish = wish_submit(actor=request.user, **serializer.validated_data)
        return self.output(wish, status.HTTP_201_CREATED)

    def _step(self, obj, **kwargs):
        try:
            return wish_transition(actor=self.request.user, wish=obj, **kwargs)
        except DjangoPermissionDenied:
            raise exceptions.PermissionDenied from None

    @extend_schema(summary="Claim a wish on the board", request=ClaimSerializer, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        obj = self.get_object()
        data = ClaimSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._step(obj, action=WishAction.CLAIM, **data.validated_data)
        return self.output(obj)

    @extend_schema(summary="Mark a claimed wish fulfilled (photo or note)", request=FulfilSerializer,
                   responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        obj = self.get_object()
        data = FulfilSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._step(obj, action=WishAction.FULFIL, **data.validated_data)
        return self.output(obj)
