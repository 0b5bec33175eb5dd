from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantStatus(models.TextChoices):
    """Where a person's file stands; the *stage* is never stored but derived from the recorded steps."""

    IN_PROGRESS = "in_progress", _("In progress")
    FULL_MEMBER = "full_member", _("Full member")
    STOPPED = "stopped", _("Stopped")


class ContactRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")  # 培养联系人
    SPONSOR = "sponsor", _("Sponsor")  # 入党介绍人


class NoticeOutcome(models.TextChoices):
    PENDING = "pending", _("Under way")
    NO_OBJECTION = "no_objection", _("No objection")
    OBJECTIONS = "objections", _("Objections raised")


# Step codes the services give a meaning to. Steps are named by code, never by number, so
# that a revision renumbering the steps changes the rule pack, not the code.
APPLICATION = "application"
MENTORS = "mentors_assigned"
SPONSORS = "sponsors_assigned"
TRAINING = "training"
GENERAL_MEETING = "general_meeting"  # the branch general meeting admitting the candidate
ADMISSION = "approval"  # the upper committee approves: the member record is created
FULL_MEMBERSHIP_MEETING = "full_membership_meeting"
FULL_MEMBERSHIP = "full_membership_approval"
ACTIVIST = "activist_selected"
ACTIVIST_EDUCATION = "activist_education"
CANDIDATE = "candidate_selected"
CONTACT_STEPS = {MENTORS: ContactRole.MENTOR, SPONSORS: ContactRole.SPONSOR}

# The pseudo-stage of a file whose full membership is approved.
FULL_MEMBER_STAGE = "full_member"
