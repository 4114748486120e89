"""gunicorn for ПОС: used as is by the systemd unit and by scripts/stack.

Every value comes from the environment (the unit's EnvironmentFile), so one file serves
every installation. Sync workers: the views are short and database-bound, and a request
that waits (a slow upload) is buffered by nginx before it reaches a worker.
"""

import multiprocessing
import os

bind = os.environ.get("POS_GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("POS_GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
# Longer than any view needs; shorter than nginx's proxy_read_timeout, so the worker is
# recycled before nginx gives up and the client sees gunicorn's answer, not a 504.
timeout = int(os.environ.get("POS_GUNICORN_TIMEOUT", "50"))
graceful_timeout = 20
keepalive = 5
# Workers are replaced after a few thousand requests (with jitter, not all at once): a
# slow leak in a library never takes a worker down.
max_requests = int(os.environ.get("POS_GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Load the application in the master: workers fork with it already imported.
preload_app = True
# nginx is the only client; it passes the client's address and the scheme.
forwarded_allow_ips = os.environ.get("POS_GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# Django logs each request in JSON with its request id (cms.operations); gunicorn's own
# access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("POS_LOG_LEVEL", "info").lower()
pidfile = os.environ.get("POS_GUNICORN_PIDFILE") or None
proc_name = "pos-gunicorn"
