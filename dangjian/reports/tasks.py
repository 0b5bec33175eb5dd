"""Background tasks of the reports app (inspection packs are written by ``core.exports.run_export``)."""
import datetime

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from dangjian.core.background import background


@background(label=_("Send monthly summaries"), attempts=3, backoff=300)
@task()
def send_monthly_summaries_task(month: str) -> int:
    """Make and send the monthly summaries of ``month`` (``YYYY-MM-DD``, the month's first day) that
    are not made yet; returns how many were made."""
    from .monthly import monthly_summaries_send

    return monthly_summaries_send(month=datetime.date.fromisoformat(month))


@background(label=_("Refresh statistics"), attempts=2)
@task()
def refresh_overview(root_id: int, on: str, sections: list[str], direct: bool = False) -> str:
    """Compute afresh the figures of one organization's subtree on one day and keep them in the
    statistics cache (queued when a reader was served the latest answer instead)."""
    from dangjian.organizations.models import Organization

    from .figures import refresh

    root = Organization.objects.filter(pk=root_id).first()
    if root is None:
        return "gone"
    refresh(root, datetime.date.fromisoformat(on), sections, direct=direct)
    return "ok"
