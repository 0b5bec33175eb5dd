"""Background tasks of the grid app."""
from django_tasks import task


@task()
def supervise_overdue_task() -> int:
    """Supervise every open request whose step deadline has passed (idempotent; run it often,
    e.g. every 10 minutes). Returns how many supervisions were made."""
    from .supervision import supervise_overdue

    return supervise_overdue()


@task()
def recompute_deadlines_task(year: int) -> int:
    """Recompute the deadlines of open requests after the calendar of ``year`` changed."""
    from .deadlines import requests_recompute_deadlines

    return requests_recompute_deadlines(year=year)
