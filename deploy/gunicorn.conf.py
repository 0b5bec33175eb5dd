"""gunicorn settings of the platform (``gunicorn -c deploy/gunicorn.conf.py config.wsgi``).

Threads (gthread) because most time is spent waiting on PostgreSQL; workers = cores, threads = 4
(measured in docs/benchmarks.md, "Requests under load"). Every value can be set from the
environment (GUNICORN_*), so the systemd unit stays the same on every machine.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Exports and packs go to the worker; a request that takes longer than this is a fault.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows (with jitter, never all at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Uploads above 10 MB are refused by Django; headers stay small.
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
preload_app = True
