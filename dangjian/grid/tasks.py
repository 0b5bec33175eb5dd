"""Background tasks of the grid app."""
from django_tasks import task


@task()
def supervise_overdue_task() -> int:
    """Supervise every open request whose step deadline has passed (idempotent; run it often,
    e.g. every 10 minutes). Returns how many supervisions were made."""
    from .workflow import supervise_overdue

    return supervise_overdue()
