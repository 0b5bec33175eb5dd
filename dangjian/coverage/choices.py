"""Codes of the coverage work: firms and social organizations (两新组织), buildings, instructors and
contacts, affair admission (社区事务准入) and weekday themes (主题工作法)."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.organizations.choices import BRANCH_TYPES, OrgType, UnitKind

# Organization types that cannot look after firms or buildings, appoint instructors, run admission
# or keep a theme plan: branches and Party groups.
NOT_AREA_TYPES = (*BRANCH_TYPES, OrgType.PARTY_GROUP)

# The unit kinds a firm register holds: private firms (非公企业) and social organizations (社会组织).
FIRM_KINDS = (UnitKind.PRIVATE_ENTERPRISE, UnitKind.SOCIAL_ORGANIZATION)


class FirmKind(models.TextChoices):
    """The two kinds of new economic and social organizations (两新组织), stored as the unit kind."""

    PRIVATE_ENTERPRISE = UnitKind.PRIVATE_ENTERPRISE.value, _("Private enterprise")
    SOCIAL_ORGANIZATION = UnitKind.SOCIAL_ORGANIZATION.value, _("Social organization")


class Industry(models.TextChoices):
    """Sections of the national industry classification (GB/T 4754-2017 门类)."""

    A = "A", pgettext_lazy("industry", "Agriculture, forestry, animal husbandry and fishery")
    B = "B", pgettext_lazy("industry", "Mining")
    C = "C", pgettext_lazy("industry", "Manufacturing")
    D = "D", pgettext_lazy("industry", "Electricity, heat, gas and water supply")
    E = "E", pgettext_lazy("industry", "Construction")
    F = "F", pgettext_lazy("industry", "Wholesale and retail")
    G = "G", pgettext_lazy("industry", "Transport, storage and post")
    H = "H", pgettext_lazy("industry", "Accommodation and catering")
    I = "I", pgettext_lazy("industry", "Information transmission, software and IT services")  # noqa: E741
    J = "J", pgettext_lazy("industry", "Finance")
    K = "K", pgettext_lazy("industry", "Real estate")
    L = "L", pgettext_lazy("industry", "Leasing and business services")
    M = "M", pgettext_lazy("industry", "Scientific research and technical services")
    N = "N", pgettext_lazy("industry", "Water conservancy, environment and public facilities")
    O = "O", pgettext_lazy("industry", "Resident services, repair and other services")  # noqa: E741
    P = "P", pgettext_lazy("industry", "Education")
    Q = "Q", pgettext_lazy("industry", "Health and social work")
    R = "R", pgettext_lazy("industry", "Culture, sports and entertainment")
    S = "S", pgettext_lazy("industry", "Public administration and social organizations")
    T = "T", pgettext_lazy("industry", "International organizations")


class FirmSize(models.TextChoices):
    """Enterprise size (大型、中型、小型、微型) as the statistics bureau classifies it."""

    LARGE = "large", pgettext_lazy("firm size", "Large")
    MEDIUM = "medium", pgettext_lazy("firm size", "Medium")
    SMALL = "small", pgettext_lazy("firm size", "Small")
    MICRO = "micro", pgettext_lazy("firm size", "Micro")


class FirmStatus(models.TextChoices):
    """Whether a firm still operates where the register says (from the latest survey or news)."""

    OPERATING = "operating", pgettext_lazy("firm status", "Operating")
    SUSPENDED = "suspended", pgettext_lazy("firm status", "Suspended")
    MOVED_OUT = "moved_out", pgettext_lazy("firm status", "Moved out")
    CLOSED = "closed", pgettext_lazy("firm status", "Closed")


# Firms that count in coverage: those still here (a suspended firm still counts).
COUNTED_STATUSES = (FirmStatus.OPERATING, FirmStatus.SUSPENDED)


class Coverage(models.TextChoices):
    """How Party work reaches a firm (覆盖情况), computed from the org tree and assignments, never typed.

    ``own`` and ``joint`` are organizational coverage (党的组织覆盖); with ``guided`` they make up
    work coverage (党的工作覆盖).
    """

    OWN = "own", pgettext_lazy("coverage", "Own Party organization")
    JOINT = "joint", pgettext_lazy("coverage", "Joint Party organization")
    GUIDED = "guided", pgettext_lazy("coverage", "Instructor or liaison only")
    NONE = "none", pgettext_lazy("coverage", "Not covered")


ORGANIZED = (Coverage.OWN, Coverage.JOINT)
WORKED = (Coverage.OWN, Coverage.JOINT, Coverage.GUIDED)


class AssignmentRole(models.TextChoices):
    """Who is assigned to a firm: a Party-building instructor (党建指导员), a liaison for a small firm
    without members (党的工作联络员), or a leader who contacts a key firm (领导干部联系点)."""

    INSTRUCTOR = "instructor", _("Party-building instructor")
    LIAISON = "liaison", _("Party work liaison")
    LEADER = "leader", _("Contact leader")


# Roles that bring Party work into a firm without an organization (coverage ``guided``).
GUIDING_ROLES = (AssignmentRole.INSTRUCTOR, AssignmentRole.LIAISON)


class DeskServiceKind(models.TextChoices):
    """What a Party-building service desk (党建服务咨询站) did for a visitor."""

    CONSULTATION = "consultation", _("Consultation")
    RELATION = "relation", _("Transfer of Party relations")
    ACTIVIST = "activist", _("Guidance for applicants and activists")
    POLICY = "policy", _("Policy advice")
    DIFFICULTY = "difficulty", _("Help with a difficulty")
    OTHER = "other", _("Other service")


class LinkKind(models.TextChoices):
    """What a link (环节) of the affair admission procedure does."""

    CHECK = "check", _("Check")
    CONSULT = "consult", _("Consultation")
    DECIDE = "decide", _("Decision")
    PUBLISH = "publish", _("Publication")


class ProcedureStatus(models.TextChoices):
    """A version of an admission procedure: edited as a draft, then published, then retired by a newer one."""

    DRAFT = "draft", pgettext_lazy("procedure", "Draft")
    PUBLISHED = "published", pgettext_lazy("procedure", "Published")
    RETIRED = "retired", pgettext_lazy("procedure", "Retired")


class AdmissionStatus(models.TextChoices):
    """Where a request for affair admission (社区事务准入申请) stands. Expiry is computed from the
    admitted period, never stored."""

    DRAFT = "draft", pgettext_lazy("admission", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("admission", "In review")
    RETURNED = "returned", pgettext_lazy("admission", "Returned")
    ADMITTED = "admitted", pgettext_lazy("admission", "Admitted")
    REFUSED = "refused", pgettext_lazy("admission", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("admission", "Withdrawn")


class ReviewOutcome(models.TextChoices):
    """What one review of a link decided."""

    SUBMITTED = "submitted", pgettext_lazy("admission review", "Submitted")
    PASSED = "passed", pgettext_lazy("admission review", "Passed")
    RETURNED = "returned", pgettext_lazy("admission review", "Returned")
    ADMITTED = "admitted", pgettext_lazy("admission review", "Admitted")
    REFUSED = "refused", pgettext_lazy("admission review", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("admission review", "Withdrawn")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")
