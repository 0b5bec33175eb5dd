"""Background tasks of organizational life."""
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from dangjian.core.background import background


@background(label=_("Remind secretaries of meetings due"), attempts=3, backoff=300)
@task()
def send_reminders_task() -> int:
    """The daily reminders of meetings still to hold (idempotent within a day); returns how many
    organizations were reminded."""
    from .reminders import send_due_reminders

    return send_due_reminders()
