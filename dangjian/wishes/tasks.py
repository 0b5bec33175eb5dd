"""Background tasks of the small-wish board."""
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from dangjian.core.background import background


@background(label=_("Expire overdue wishes"), attempts=3)
@task()
def expire_wishes_task() -> int:
    """Return overdue claimed wishes to the board and close expired ones (run daily)."""
    from .services import wishes_expire

    return wishes_expire()
