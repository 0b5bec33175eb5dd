from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    """Kinds of Party organization (党组织类型)."""

    WORKING_COMMITTEE = "working_committee", _("Working committee")
    COMMITTEE = "committee", _("Party committee")
    LEADING_GROUP = "leading_group", _("Leading Party group")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    JOINT_BRANCH = "joint_branch", _("Joint branch")
    TEMPORARY_BRANCH = "temporary_branch", _("Temporary branch")
    PARTY_GROUP = "party_group", _("Party group")


# Org types that hold members' organizational relations (not Party groups).
BRANCH_TYPES = (OrgType.BRANCH, OrgType.JOINT_BRANCH, OrgType.TEMPORARY_BRANCH)
MEMBER_HOLDING_TYPES = tuple(t for t in OrgType if t != OrgType.PARTY_GROUP)


class UnitKind(models.TextChoices):
    """Kind of the unit an organization sits in (所在单位类别), as stored."""

    ORGAN = "organ", _("Government organ")
    INSTITUTION = "institution", _("Public institution")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Private enterprise")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organization")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class StatGroup(models.TextChoices):
    """The five statistical groups reports use; the mapping from unit kinds is in the rule pack."""

    ORGAN_INSTITUTION = "organ_institution", _("Organs and public institutions")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprises")
    VILLAGE = "village", _("Villages")
    COMMUNITY = "community", _("Communities")
    NEW_ORGANIZATION = "new_organization", _("Private firms and social organizations")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged")
    DISSOLVED = "dissolved", _("Dissolved")
