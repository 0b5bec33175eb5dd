"""``manage.py run_worker``: the background worker as a service.

Before it starts django-tasks-db's ``db_worker`` under ``--worker-id`` it puts back in the queue the
tasks that a previous process with the same id left running (it was killed: power cut, OOM,
``kill -9``), and, with ``--stale-minutes``, tasks that any worker started longer ago than that. Give
each worker process its own stable id (the systemd unit uses ``%H-%i``).
"""
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangjian.core.background import recover_orphans


class Command(BaseCommand):
    help = "Recover tasks left running by a dead worker, then run the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default=f"{socket.gethostname()}-1"[:64],
                            help="A stable id of this worker process (default: <host>-1).")
        parser.add_argument("--queue-name", default="*", help="Queues to work on (default: all).")
        parser.add_argument("--stale-minutes", type=int, default=0,
                            help="Also recover tasks any worker started more than this many minutes ago (0: off).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")
        parser.add_argument("--batch", action="store_true", help="Stop when the queue is empty.")
        parser.add_argument("--recover-only", action="store_true", help="Recover, then stop.")

    def handle(self, *args, worker_id, queue_name, stale_minutes, interval, batch, recover_only, **options):
        counts = recover_orphans(worker_id=worker_id, stale_minutes=stale_minutes or None)
        self.stdout.write(f"worker {worker_id}: {counts['requeued']} task(s) put back in the queue, "
                          f"{counts['failed']} given up")
        if recover_only:
            return
        worker_args = ["--worker-id", worker_id, "--queue-name", queue_name, "--interval", str(interval)]
        if batch:
            worker_args += ["--batch", "--no-reload"]
        call_command("db_worker", *worker_args, verbosity=options["verbosity"])
