"""The member endpoints: /api/v1/members/ (list, detail, create, partial update) and
/api/v1/members/anniversaries/?month= (political birthdays of a month)."""
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from dangjian.core.api import RestrictedViewSet, StableOrderingFilter

from ..milestones import anniversaries
from ..models import PROTECTED_FIELDS, Member
from ..services import member_create, member_update
from .filters import MemberFilter
from .lifecycle import AnniversaryQuerySerializer, AnniversarySerializer
from .serializers import MemberCreateSerializer, MemberSerializer, MemberUpdateSerializer


@extend_schema(tags=["members"])
@extend_schema_view(
    list=extend_schema(summary="Members in your scope"),
    retrieve=extend_schema(summary="One member"),
    create=extend_schema(summary="Add a member to the register", responses={201: MemberSerializer}),
    partial_update=extend_schema(summary="Correct a member's register entry", responses=MemberSerializer),
)
class MemberViewSet(RestrictedViewSet):
    """Members the user may see; secretaries and organizers add and correct those in their charge."""

    queryset = Member.objects.all()
    serializer_class = MemberSerializer
    create_serializer_class = MemberCreateSerializer
    update_serializer_class = MemberUpdateSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = MemberFilter
    ordering_fields = ["name_pinyin", "joined_on", "birth_date"]
    ordering = ["name_pinyin", "id"]

    def refine_queryset(self, queryset):
        # The encrypted columns are never read for display: responses carry the masked copies.
        return queryset.without_protected().select_related("organization")

    def perform_create(self, data):
        return member_create(actor=self.request.user, data=data)

    @extend_schema(summary="Political birthdays: members on the roll who joined the Party in a month, by day",
                   parameters=[AnniversaryQuerySerializer], responses=AnniversarySerializer(many=True))
    @action(detail=False, methods=["get"], serializer_class=AnniversarySerializer)
    def anniversaries(self, request):
        query = AnniversaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        rows = anniversaries(self.filter_queryset(self.get_queryset()), year=query.validated_data.get("year", today.year),
                             month=query.validated_data.get("month", today.month))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AnniversarySerializer(page, many=True).data)

    def perform_update(self, member, data):
        # The service re-checks the whole entry, protected values included: read them in one query.
        member.refresh_from_db(fields=list(PROTECTED_FIELDS))
        return member_update(actor=self.request.user, member=member, data=data)
