"""/api/v1/affair-admissions/: affair admission requests in your scope (the authority's, and those
concerning your communities), read only; expired is computed, the detail adds the review log."""
import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from dangjian.core.api import IdFilter, RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from ..choices import AdmissionStatus
from ..models import AdmissionLink, AdmissionReview, AffairAdmission


class AdmissionOrgRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AdmissionLinkRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdmissionLink
        fields = ["step", "step_name", "name"]


class AdmissionReviewSerializer(serializers.ModelSerializer):
    link = serializers.CharField(source="link.name", default="", read_only=True)

    class Meta:
        model = AdmissionReview
        fields = ["outcome", "link", "comment", "at"]


class AffairAdmissionSerializer(serializers.ModelSerializer):
    organization = AdmissionOrgRefSerializer(read_only=True)
    expired = serializers.SerializerMethodField()
    current_link = AdmissionLinkRefSerializer(read_only=True, allow_null=True)
    communities = serializers.SerializerMethodField()

    class Meta:
        model = AffairAdmission
        fields = ["id", "title", "department", "organization", "status", "expired", "current_link", "legal_basis",
                  "resources", "funding", "starts_on", "ends_on", "communities", "decided_on", "decision_reasons"]

    def get_expired(self, obj) -> bool:
        return obj.expired(self.context.setdefault("today", timezone.localdate()))

    @extend_schema_field(AdmissionOrgRefSerializer(many=True))
    def get_communities(self, obj):
        return [{"id": c.pk, "name": c.name} for c in obj.community_list]


class AffairAdmissionDetailSerializer(AffairAdmissionSerializer):
    reviews = AdmissionReviewSerializer(many=True, read_only=True)

    class Meta(AffairAdmissionSerializer.Meta):
        fields = [*AffairAdmissionSerializer.Meta.fields, "reviews"]


class AffairAdmissionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AdmissionStatus.choices)
    organization = IdFilter(method="filter_organization",
                            label=_("Requests of this admission authority and all below it"))

    class Meta:
        model = AffairAdmission
        fields = ["status"]

    def filter_organization(self, queryset, name, value: int):
        path = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(organization__path__startswith=path) if path else queryset.none()


@extend_schema(tags=["coverage"])
@extend_schema_view(
    list=extend_schema(summary="Affair admission requests in your scope"),
    retrieve=extend_schema(summary="One affair admission request, with its review log"),
)
class AffairAdmissionViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = AffairAdmission.objects.all()
    serializer_class = AffairAdmissionSerializer
    detail_serializer_class = AffairAdmissionDetailSerializer
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = AffairAdmissionFilter
    ordering_fields = ["created_at", "starts_on", "ends_on"]
    ordering = ["-created_at", "-id"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("organization", "current_link").prefetch_related(
            Prefetch("communities", queryset=Organization.objects.order_by("path"), to_attr="community_list"))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("reviews", queryset=AdmissionReview.objects.select_related("link").order_by("at", "id")))
        return queryset
