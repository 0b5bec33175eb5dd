from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    """Kinds of organizational life (三会一课 and the rest)."""

    BRANCH_GENERAL_MEETING = "branch_general_meeting", _("Branch general meeting")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme day")
    LIFE_MEETING = "life_meeting", _("Organizational life meeting")
    SPECIAL_LIFE_MEETING = "special_life_meeting", _("Special organizational life meeting")
    HEART_TO_HEART_TALK = "heart_to_heart_talk", _("Heart-to-heart talk")
    STUDY_SESSION = "study_session", _("Study session")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RECORDED = "recorded", _("Recorded")
    CANCELLED = "cancelled", _("Cancelled")


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class StudySource(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    COURSE = "course", _("Course")
    HOME_DELIVERY = "home_delivery", _("Study brought home")
    SELF_STUDY = "self_study", _("Self-study with a note")
    MOBILE = "mobile", _("Study while away (mobile member)")


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Grade(models.TextChoices):
    """Grades of the yearly member appraisal (民主评议党员)."""

    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")
