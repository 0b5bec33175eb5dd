"""Choices of the residents' personal-information rights."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """The services that collect a resident's personal data; each has a section of the notice."""

    GRID_REQUEST = "grid_request", _("Requests (我的诉求)")
    WISH = "wish", _("Small wishes")
    BOOKING = "booking", _("Service-centre bookings")
    DATA_REQUEST = "data_request", _("Requests about personal information")


class RequestKind(models.TextChoices):
    CORRECTION = "correction", _("Correct my information")
    DELETION = "deletion", _("Delete my information and account")
    WITHDRAW = "withdraw", _("Withdraw my consent")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
