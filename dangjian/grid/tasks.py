"""Background tasks of the grid app."""
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from dangjian.core.background import background


@background(label=_("Supervise overdue requests"), attempts=3)
@task()
def supervise_overdue_task() -> int:
    """Supervise every open request whose step deadline has passed (idempotent; run it often,
    e.g. every 10 minutes). Returns how many supervisions were made."""
    from .supervision import supervise_overdue

    return supervise_overdue()


@background(label=_("Recompute request deadlines"), attempts=3)
@task()
def recompute_deadlines_task(year: int) -> int:
    """Recompute the deadlines of open requests after the calendar of ``year`` changed."""
    from .deadlines import requests_recompute_deadlines

    return requests_recompute_deadlines(year=year)
