"""Surveys (满意度测评, 民主测评): questionnaires for residents or members, answered on phones.

One answer per person: a signed-in respondent once per account, or one answer per one-time
ballot code (handed out on paper or as a QR code to residents without an account). An anonymous
survey keeps who took part (:class:`Participation`) apart from what they answered
(:class:`Response` without a respondent), so tallies never name anyone.
"""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import RestrictedQuerySet
from dangjian.organizations.models import Organization

from ..choices import QuestionKind, SurveyAccess, SurveyAudience, SurveyPurpose, SurveyStatus
from .scope import subtree_q


class Survey(models.Model):
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="surveys",
                                     help_text=_("The organization running it; members or residents under it answer."))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("introduction"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=SurveyPurpose.choices,
                               default=SurveyPurpose.SATISFACTION)
    audience = models.CharField(_("audience"), max_length=10, choices=SurveyAudience.choices)
    access = models.CharField(_("answered by"), max_length=8, choices=SurveyAccess.choices,
                              default=SurveyAccess.ACCOUNT)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    key = models.CharField(_("link key"), max_length=24, unique=True,
                           help_text=_("The random part of the survey's public link and QR code."))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action) -> Q:
        """Those over the organization running it manage it and read its tallies; respondents
        reach a survey through its link, not through this scope."""
        return subtree_q(scope)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    scale = models.PositiveSmallIntegerField(_("rating scale"), default=5,
                                             help_text=_("Highest rating for a rating question (1 to this)."))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "id"]

    def __str__(self):
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("option"), max_length=200)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "id"]

    def __str__(self):
        return self.text


class Ballot(models.Model):
    """A one-time code for one respondent without an account (a household, a member at a meeting)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="ballots")
    code = models.CharField(_("code"), max_length=16, unique=True)
    label = models.CharField(_("handed to"), max_length=100, blank=True,
                             help_text=_("For example a building and room; never a name for an anonymous survey."))
    used_on = models.DateField(_("used on"), null=True, blank=True,
                               help_text=_("The day only: a time would let the answer be paired with the code."))

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")
        ordering = ["survey", "id"]

    def __str__(self):
        return self.code


class Participation(models.Model):
    """That someone answered (never what): enforces one answer per account or ballot code."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="survey_participations")
    ballot = models.OneToOneField(Ballot, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="participation")
    at = models.DateField(_("on"), auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_answer_per_account")]

    def __str__(self):
        return f"{self.survey_id} {self.user_id or self.ballot_id}"


class Response(models.Model):
    """One set of answers; names its respondent only in a named survey. Its key is random, so that
    the order of responses cannot be paired with the order of participations (or ballot codes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="survey_responses")
    submitted_on = models.DateField(_("submitted on"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "submitted_on"]

    def __str__(self):
        return f"{self.survey_id} #{self.pk}"


class Answer(models.Model):
    """One answer to one question. Its key is random like the response's (no order to pair by)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.CharField(_("answer"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self):
        return f"{self.question_id}"
