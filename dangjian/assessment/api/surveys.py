"""/api/v1/surveys/: surveys run in the user's subtrees (list, and detail with questions and tallies),
and answering by the survey's key for phone apps.

Answering goes by the survey's *key* (the random part of its public link and QR code), not by its
id, because respondents do not see the survey through the restricted list:

* ``GET /api/v1/surveys/answer/<key>/`` — the questionnaire (questions and options; never tallies)
  with ``can_answer`` and, when the user cannot answer, ``problem`` (a message to show);
* ``POST /api/v1/surveys/answer/<key>/`` — ``{"answers": {"<question id>": value}, "code": "…"}``
  where a value is an option id (single choice), a list of option ids (multiple choice), a whole
  number (rating) or a text. ``code`` is the ballot code of a ballot survey. Answers 201 with
  ``{"received": true}``; a refusal is 400 with the service's messages (``code``, ``q<id>`` or
  ``non_field_errors``). A signed-in survey needs authentication (401 otherwise); a ballot survey
  may be answered without an account, and wrong codes are limited per address.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from dangjian.core.access import can
from dangjian.core.api import RestrictedViewSet, StableOrderingFilter
from dangjian.organizations.models import Organization

from .. import selectors_surveys as selectors
from .. import services_surveys as services
from ..choices import SurveyAccess, SurveyPurpose, SurveyStatus
from ..models import Option, Question, Survey


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "order", "text"]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "text", "required", "scale", "options"]
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    response_count = serializers.IntegerField(read_only=True, help_text="Responses received so far.")

    class Meta:
        model = Survey
        fields = ["id", "organization", "organization_name", "title", "purpose", "audience", "access", "anonymous",
                  "opens_on", "closes_on", "status", "response_count"]
        read_only_fields = fields


class OptionTallySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True,
                                       help_text="Share of those who answered the question, in percent.")


class RatingCountSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    count = serializers.IntegerField()


class QuestionTallySerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    answered = serializers.IntegerField(help_text="Responses that answered the question.")
    options = OptionTallySerializer(many=True)
    distribution = serializers.SerializerMethodField()
    average = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    satisfied = serializers.IntegerField()
    satisfied_percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    texts = serializers.ListField(child=serializers.CharField(), help_text=(
        "Up to 50 recent text answers, by day and then alphabetically (never in the order they arrived)."))

    def get_distribution(self, tally) -> RatingCountSerializer(many=True):
        return [{"rating": r, "count": n} for r, n in tally.distribution]


class SurveyTallySerializer(serializers.Serializer):
    respondents = serializers.IntegerField()
    issued = serializers.IntegerField(allow_null=True, help_text="Ballot codes issued (ballot surveys).")
    used = serializers.IntegerField(allow_null=True, help_text="Ballot codes used (ballot surveys).")
    turnout = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    questions = QuestionTallySerializer(many=True)


class SurveyDetailSerializer(SurveySerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    tally = serializers.SerializerMethodField(help_text="Counts per question; never who answered.")

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "description", "questions", "tally"]
        read_only_fields = fields

    def get_tally(self, survey) -> SurveyTallySerializer:
        return SurveyTallySerializer(selectors.survey_tally(survey)).data


class QuestionnaireSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    can_answer = serializers.BooleanField(read_only=True)
    problem = serializers.CharField(read_only=True, help_text="Why the user cannot answer (empty when they can).")

    class Meta:
        model = Survey
        fields = ["title", "description", "organization_name", "purpose", "audience", "access", "anonymous",
                  "opens_on", "closes_on", "questions", "can_answer", "problem"]
        read_only_fields = fields


class AnswerInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(), help_text="Question id → option id, list of "
                                    "option ids, rating or text.")
    code = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                 help_text="The ballot code (ballot surveys only).")


FILTERS = [
    OpenApiParameter("org", OpenApiTypes.INT, description="Only surveys run in this organization's subtree."),
    OpenApiParameter("purpose", OpenApiTypes.STR, enum=SurveyPurpose.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=SurveyStatus.values),
]


@extend_schema(tags=["surveys"])
@extend_schema_view(
    list=extend_schema(summary="Surveys run in your subtrees, latest first", parameters=FILTERS),
    retrieve=extend_schema(summary="One survey with its questions and tallies"),
)
class SurveyViewSet(RestrictedViewSet):
    http_method_names = ["get", "post", "head", "options"]
    queryset = Survey.objects.all()
    serializer_class = SurveySerializer
    detail_serializer_class = SurveyDetailSerializer
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["opens_on", "closes_on"]
    ordering = ["-opens_on", "-id"]

    def refine_queryset(self, queryset):
        params = self.request.query_params
        org = params.get("org")
        if org:
            if not org.isdigit():
                raise exceptions.ValidationError({"org": [_("Give an organization's id.")]})
            found = Organization.objects.restrict(self.request.user, "view").filter(pk=org).first()
            queryset = queryset.filter(organization__path__startswith=found.path) if found else queryset.none()
        if params.get("purpose") in SurveyPurpose.values:
            queryset = queryset.filter(purpose=params["purpose"])
        if params.get("status") in SurveyStatus.values:
            queryset = queryset.filter(status=params["status"])
        queryset = queryset.select_related("organization").annotate(response_count=Count("responses"))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("questions__options")
        return queryset

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    def _survey_by_key(self, key) -> Survey:
        survey = get_object_or_404(Survey.objects.select_related("organization"), key=key)
        if survey.status == SurveyStatus.DRAFT and not can(self.request.user, "view", survey):
            raise exceptions.NotFound
        if survey.access == SurveyAccess.ACCOUNT and not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        return survey

    @extend_schema(methods=["GET"], summary="The questionnaire of a survey, by its link key",
                   responses=QuestionnaireSerializer)
    @extend_schema(methods=["POST"], summary="Answer a survey, by its link key (once per account or code)",
                   request=AnswerInputSerializer,
                   responses={201: inline_serializer("SurveyAnswerReceived", {"received": serializers.BooleanField()})})
    @action(detail=False, methods=["get", "post"], url_path=r"answer/(?P<key>[-\w]+)", url_name="answer",
            permission_classes=[AllowAny])
    def answer(self, request, key=None):
        survey = self._survey_by_key(key)
        user = request.user
        address = request.META.get("REMOTE_ADDR") or "unknown"
        if request.method == "GET":
            problem = ""
            try:
                services.check_open(survey)
                if survey.access == SurveyAccess.ACCOUNT:
                    services.check_eligible(survey, user)
                    if services.already_answered(survey, user):
                        problem = _("You have already taken part in this survey.")
            except DjangoValidationError as exc:
                problem = " ".join(exc.messages)
            survey = Survey.objects.prefetch_related("questions__options").select_related("organization").get(
                pk=survey.pk)
            survey.can_answer, survey.problem = not problem, problem
            return Response(QuestionnaireSerializer(survey).data)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if survey.access == SurveyAccess.BALLOT and not services.code_attempts_left(address):
            raise exceptions.Throttled(detail=_("Too many wrong codes were tried from here. Please try again in an "
                                                "hour."))
        try:
            services.survey_answer(survey=survey, answers=data.validated_data["answers"], user=user,
                                   ballot_code=data.validated_data.get("code"))
        except DjangoValidationError as exc:
            if "bad_code" in services.error_codes(exc):
                services.note_wrong_code(address)
            raise
        return Response({"received": True}, status=status.HTTP_201_CREATED)
