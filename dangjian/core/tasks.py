"""Background tasks of the core app."""
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from .background import background


@background(label=_("Worker heartbeat"))
@task()
def worker_heartbeat():
    """Does nothing; its completion tells /healthz that the worker is alive."""
    return "ok"
