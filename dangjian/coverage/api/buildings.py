"""/api/v1/: office buildings in your scope, read only (filled in by the buildings part)."""
from rest_framework import serializers

from dangjian.core.api import RestrictedViewSet

from ..models import Building


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id"]


class BuildingViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = Building.objects.all()
    serializer_class = BuildingSerializer
