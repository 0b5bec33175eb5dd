"""Background tasks of the small-wish board."""
from django_tasks import task


@task()
def expire_wishes_task() -> int:
    """Return overdue claimed wishes to the board and close expired ones (run daily)."""
    from .services import wishes_expire

    return wishes_expire()
