"""/api/v1/: affair admission requests in your scope, read only (filled in by the admission part)."""
from rest_framework import serializers

from dangjian.core.api import RestrictedViewSet

from ..models import AffairAdmission


class AffairAdmissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AffairAdmission
        fields = ["id"]


class AffairAdmissionViewSet(RestrictedViewSet):
    http_method_names = ["get", "head", "options"]
    queryset = AffairAdmission.objects.all()
    serializer_class = AffairAdmissionSerializer
