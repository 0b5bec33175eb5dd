"""Background tasks of residents' personal information."""
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from dangjian.core.background import background


@background(label=_("Clear residents' old contact details"), attempts=3, backoff=300)
@task()
def contacts_purge_task() -> dict:
    """Blank the contact details kept past the privacy notice's retention days (idempotent: what is
    blank stays blank); returns the counts per kind of record."""
    from .services import contacts_purge

    return contacts_purge()
