"""The organization endpoints: /api/v1/organizations/ (list, detail, create, partial update)."""
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left, Length
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.core.api import RestrictedViewSet

from ..models import Organization
from ..services import organization_create, organization_update
from .filters import OrganizationFilter
from .serializers import (
    OrganizationCreateSerializer,
    OrganizationDetailSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)


@extend_schema(tags=["organizations"])
@extend_schema_view(
    list=extend_schema(summary="Organizations in your scope, in tree order"),
    retrieve=extend_schema(summary="One organization"),
    create=extend_schema(summary="Set up an organization", responses={201: OrganizationDetailSerializer}),
    partial_update=extend_schema(summary="Edit an organization's attributes", responses=OrganizationDetailSerializer),
)
class OrganizationViewSet(RestrictedViewSet):
    """Party organizations the user may see; they may add under, and edit, those in their charge."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    detail_serializer_class = OrganizationDetailSerializer
    create_serializer_class = OrganizationCreateSerializer
    update_serializer_class = OrganizationUpdateSerializer
    filterset_class = OrganizationFilter
    add_in_field = "parent"

    def refine_queryset(self, queryset):
        # The parent is the node whose path is this one's minus its last step.
        path = OuterRef("path")
        parent = Organization.objects.filter(path=Left(path, Length(path) - Organization.steplen))
        return queryset.annotate(parent_pk=Subquery(parent.values("pk")[:1]))

    def perform_create(self, data):
        return organization_create(actor=self.request.user, **data)

    def perform_update(self, organization, data):
        return organization_update(actor=self.request.user, organization=organization, **data)
