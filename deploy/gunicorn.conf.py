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


# The client's address. gunicorn never takes it from a header, and on a unix socket every
# request's REMOTE_ADDR is empty: the submission rate limit "per address" then counted all
# citizens of the installation together (30 messages per 10 minutes for everyone, seen in
# the load run of issue 16). nginx sets X-Real-IP to the address it was connected from
# (it overwrites any the client sent), so a request that came through nginx (the unix
# socket, or a peer in forwarded_allow_ips) gets its REMOTE_ADDR from that header.
def _trusted_peer(address: str) -> bool:
    allowed = [ip.strip() for ip in forwarded_allow_ips.split(",")]
    return address == "" or "*" in allowed or address in allowed


def _client_address_from_nginx(application):
    def wrapped(environ, start_response):
        real_ip = environ.get("HTTP_X_REAL_IP", "").strip()
        if real_ip and _trusted_peer(environ.get("REMOTE_ADDR", "")):
            environ["REMOTE_ADDR"] = real_ip
        return application(environ, start_response)

    return wrapped


def post_worker_init(worker):
    worker.wsgi = _client_address_from_nginx(worker.wsgi)
