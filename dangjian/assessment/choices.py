"""Choices of the assessment work (考核、分类定级): schemes, cycles, surveys, rectification, reviews."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SchemeKind(models.TextChoices):
    STAR = "star", _("Star rating")                 # 星级管理: each criterion is a star
    TIER = "tier", _("Tiering")                      # 分类定级: weighted points into tiers
    CHECKLIST = "checklist", _("Standard checklist")  # 五有一创, 六个有, 五有


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("scheme status", "Draft")
    PUBLISHED = "published", pgettext_lazy("scheme status", "Published")
    RETIRED = "retired", pgettext_lazy("scheme status", "Retired")


class EvidenceKind(models.TextChoices):
    NONE = "none", _("No evidence needed")
    PHOTO = "photo", _("Photo")
    FILE = "file", _("File")
    RECORD = "record", _("Link to a record")
    ANY = "any", _("Photo, file or record")


class Performer(models.TextChoices):
    """Who performs a review step, relative to the assessed organization and the cycle."""

    SELF = "self", _("The assessed organization")
    PARENT = "parent", _("The organization above it")
    OWNER = "owner", _("The organization running the cycle")


class CycleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("cycle status", "Open")
    CLOSED = "closed", pgettext_lazy("cycle status", "Closed")


class AssessmentStatus(models.TextChoices):
    IN_REVIEW = "in_review", pgettext_lazy("assessment status", "In review")
    RETURNED = "returned", pgettext_lazy("assessment status", "Returned")
    APPROVED = "approved", pgettext_lazy("assessment status", "Approved")


class AssessmentAction(models.TextChoices):
    SUBMIT = "submit", _("Submit to the next step")
    RETURN = "return", _("Return")
    APPROVE = "approve", _("Approve")
    REOPEN = "reopen", _("Reopen")


class Verdict(models.TextChoices):
    PENDING = "", _("Not reviewed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Movement(models.TextChoices):
    """How an organization's grade moved from its previous cycle of the same scheme."""

    NEW = "new", _("First rating")
    PROMOTED = "promoted", _("Promoted")
    SAME = "same", _("Unchanged")
    DEMOTED = "demoted", _("Demoted")
    TURNED_AROUND = "turned_around", _("Turned around")


class SurveyPurpose(models.TextChoices):
    SATISFACTION = "satisfaction", _("Satisfaction survey")   # 满意度测评
    VOTE = "vote", _("Democratic vote")                        # 民主测评
    OTHER = "other", _("Questionnaire")


class SurveyAudience(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    MEMBERS = "members", _("Party members")


class SurveyAccess(models.TextChoices):
    """How respondents reach the survey: signed in (one answer per account), or with one-time
    ballot codes handed out on paper or by QR code (one answer per code)."""

    ACCOUNT = "account", _("Signed-in users")
    BALLOT = "ballot", _("One-time ballot codes")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey status", "Draft")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating")
    TEXT = "text", _("Text")


class RectificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification status", "Open")
    SUBMITTED = "submitted", pgettext_lazy("rectification status", "Awaiting check")
    CLOSED = "closed", pgettext_lazy("rectification status", "Closed")


class RectificationAction(models.TextChoices):
    SUBMIT = "submit", _("Submit closing evidence")
    ACCEPT = "accept", _("Accept and close")
    RETURN = "return", _("Return for more work")


class ReviewRoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("review status", "Open")
    CLOSED = "closed", pgettext_lazy("review status", "Closed")


class RaterCapacity(models.TextChoices):
    UPPER = "upper", _("Upper level")
    MEMBER = "member", _("Party member")


class ReportGrade(models.TextChoices):
    """Grades given to a work report (述职评议): 好, 较好, 一般, 差."""

    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
