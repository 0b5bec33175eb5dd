"""Background tasks of the core app."""
from django_tasks import task


@task()
def worker_heartbeat():
    """Does nothing; its completion tells /healthz that the worker is alive."""
    return "ok"
