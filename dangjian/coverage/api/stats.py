"""/api/v1/coverage-stats/?org=<id>: coverage of firms in an organization's area (filled in by the stats part)."""
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class CoverageStatsView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({})
