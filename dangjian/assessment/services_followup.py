"""Writes of the follow-up work: rectification tasks (整改) and work-report reviews (述职评议)."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit import audit_log
from dangjian.core.rules import rule_value
from dangjian.core.validators import clean_plain_text

from .models import CriterionResult, Rectification


def rectification_open(*, actor, organization, title: str, description: str = "",
                       deadline: datetime.date | None = None, owner=None,
                       source: CriterionResult | None = None) -> Rectification:
    """Open a task to put a shortfall of ``organization`` right. Without a deadline it is due after
    the rule pack's ``assessment.rectification_days``. Callers check the actor's access."""
    title = clean_plain_text(title, "title", 200, required=True)
    description = clean_plain_text(description, "description", 5000)
    today = timezone.localdate()
    if deadline is None:
        days = rule_value("assessment.rectification_days", organization=organization)
        deadline = today + datetime.timedelta(days=int(days))
    elif deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    with transaction.atomic():
        task = Rectification.objects.create(organization=organization, title=title, description=description,
                                            source=source, owner=owner, deadline=deadline,
                                            created_by=actor if getattr(actor, "pk", None) else None)
        audit_log(actor=actor, action="assessment.rectification_opened", obj=task, organization=organization,
                  changes={"deadline": deadline})
    return task
