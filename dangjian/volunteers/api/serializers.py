"""What the volunteering endpoints show and accept."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import ActivityNeed, VolunteerActivity, VolunteerTeam


class VolunteerTeamSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = VolunteerTeam
        fields = ["id", "organization", "organization_name", "name", "kind", "kind_display", "description", "active"]
        read_only_fields = fields


class TeamTotalsSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=10, decimal_places=1, help_text=_("Completed service hours."))
    services = serializers.IntegerField(help_text=_("Sign-ups checked out."))
    people = serializers.IntegerField(help_text=_("Volunteers who served."))
    activities = serializers.IntegerField(help_text=_("Activities held."))
    volunteers = serializers.IntegerField(help_text=_("Active volunteers on the team."))


class VolunteerTeamDetailSerializer(VolunteerTeamSerializer):
    totals = serializers.SerializerMethodField(help_text=_("All-time figures, derived from sign-ups."))

    class Meta(VolunteerTeamSerializer.Meta):
        fields = [*VolunteerTeamSerializer.Meta.fields, "totals"]
        read_only_fields = fields

    def get_totals(self, team) -> TeamTotalsSerializer:
        from ..selectors import team_totals

        return TeamTotalsSerializer(team_totals(team)).data


class NeedSerializer(serializers.ModelSerializer):
    taken = serializers.IntegerField(read_only=True, help_text=_("Places taken."))
    waiting = serializers.IntegerField(read_only=True, help_text=_("On the waiting list."))

    class Meta:
        model = ActivityNeed
        fields = ["id", "role", "start_time", "end_time", "quantity", "taken", "waiting"]
        read_only_fields = fields


class VolunteerActivitySerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = VolunteerActivity
        fields = ["id", "team", "team_name", "title", "place", "date", "start_time", "end_time", "status",
                  "status_display", "service_request"]
        read_only_fields = fields


class VolunteerActivityDetailSerializer(VolunteerActivitySerializer):
    needs = serializers.SerializerMethodField()

    class Meta(VolunteerActivitySerializer.Meta):
        fields = [*VolunteerActivitySerializer.Meta.fields, "description", "needs"]
        read_only_fields = fields

    def get_needs(self, activity) -> NeedSerializer(many=True):
        from ..selectors import needs_with_counts

        return NeedSerializer(needs_with_counts(activity), many=True).data


class SignUpInputSerializer(serializers.Serializer):
    need = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("The need to sign up for."))


class CheckinInputSerializer(serializers.Serializer):
    code = serializers.CharField(min_length=6, max_length=6, help_text=_("The activity's six-digit check-in code."))


class SignUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    need = serializers.IntegerField(source="need_id")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    checked_in_at = serializers.DateTimeField(allow_null=True)
    checked_out_at = serializers.DateTimeField(allow_null=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
