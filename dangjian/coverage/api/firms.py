"""/api/v1/: firms and social organizations in your scope, read only (filled in by the firms part)."""
from rest_framework import serializers

from dangjian.core.api import RestrictedViewSet

from ..models import Firm


class FirmSerializer(serializers.ModelSerializer):
    class Meta:
        model = Firm
        fields = ["id"]


class FirmViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Firm.objects.all()
    serializer_class = FirmSerializer
