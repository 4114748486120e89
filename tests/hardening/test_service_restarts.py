"""Issue 16's faults, one service at a time: a PostgreSQL that restarts makes new
connections wait, a request whose connection died under it runs again, and a Redis that
is away is a cache miss, not a 500."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.db.utils import OperationalError
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from redis.exceptions import ConnectionError as RedisConnectionError

from cms.models import Organisation
from cms.operations.db.postgresql.base import DatabaseWrapper
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from pos_site.urls import urlpatterns as site_urlpatterns
from tests import factories
from tests.notifications.smtp import free_port

# --- a loopback proxy that starts listening late: the server "restarting" -------------

def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for side in (source, target):
            try:
                side.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class LateProxy:
    """Refuses connections on `port` until `after` seconds have passed, then forwards
    them to the real PostgreSQL server."""

    def __init__(self, port: int, target: tuple[str, int], after: float):
        self.port, self.target, self.after = port, target, after
        self.listener = None
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        time.sleep(self.after)
        self.listener = socket.create_server(("127.0.0.1", self.port))
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        if self.listener:
            self.listener.close()


def wrapper_for(port: int, retry_seconds: float, **changes) -> DatabaseWrapper:
    settings_dict = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(port),
                     "CONNECT_RETRY_SECONDS": retry_seconds, "CONN_MAX_AGE": 0, **changes}
    # Its own connection to the test database, under the default alias that code asks for.
    return DatabaseWrapper(settings_dict, alias="default")


def server_address() -> tuple[str, int]:
    return (connection.settings_dict["HOST"] or "127.0.0.1",
            int(connection.settings_dict["PORT"] or 5432))


@pytest.mark.django_db
def test_a_new_connection_waits_for_a_restarting_server():
    port = free_port()
    proxy = LateProxy(port, server_address(), after=0.8)
    database = wrapper_for(port, retry_seconds=10)
    began = time.monotonic()
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        database.close()
        proxy.close()
    # It was refused at first (nothing listened for 0.8 s) and waited instead of failing.
    assert time.monotonic() - began >= 0.7


@pytest.mark.django_db
def test_without_patience_the_refusal_fails_at_once():
    database = wrapper_for(free_port(), retry_seconds=0)
    began = time.monotonic()
    with pytest.raises(OperationalError, match="(?i)refused"):
        database.ensure_connection()
    assert time.monotonic() - began < 0.5


@pytest.mark.django_db
def test_an_error_that_no_restart_cures_is_not_waited_for():
    host, port = server_address()
    database = wrapper_for(port, retry_seconds=10, NAME="pos_no_such_database_here")
    began = time.monotonic()
    with pytest.raises(OperationalError, match="does not exist"):
        database.ensure_connection()
    assert time.monotonic() - began < 2


# --- a request whose connection died under it --------------------------------------

tries = []
# Which tries lose their connection: the first only, or every one.
losing = {"every": False}


@csrf_exempt
def loses_its_connection(request):
    """Reads the upload, then has PostgreSQL end its own connection (on the first try
    only, unless told otherwise), as a restart does to every query in flight."""
    content = request.FILES["file"].read()
    tries.append(content)
    if len(tries) == 1 or losing["every"]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse(content)


urlpatterns = [path("lost/", loses_its_connection), *site_urlpatterns]


@pytest.fixture
def lost_view(settings):
    settings.ROOT_URLCONF = __name__
    tries.clear()
    yield
    losing["every"] = False


def test_a_request_whose_connection_died_runs_again_with_its_upload(
    transactional_db, client, lost_view
):
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8 the photo's bytes")
    response = client.post("/lost/", {"file": upload})
    assert response.status_code == 200
    # The second try read the whole file again, on a new connection.
    assert tries == [b"\xff\xd8 the photo's bytes"] * 2
    assert response.content == b"\xff\xd8 the photo's bytes"
    assert connections["default"].is_usable()


def test_a_connection_lost_twice_is_answered_as_django_answers_it(
    transactional_db, client, lost_view
):
    losing["every"] = True
    client.raise_request_exception = False
    response = client.post("/lost/", {"file": SimpleUploadedFile("a.jpg", b"bytes")})
    assert response.status_code == 500
    assert len(tries) == 2  # tried once more, not forever
    # A server closes a dead connection when the request ends; the test client keeps its
    # connection for the test, so the test closes it.
    connection.close()


# --- Redis away ----------------------------------------------------------------------

def redis_cache_at(port: int, backend: str) -> dict:
    return {"default": {"BACKEND": backend, "LOCATION": f"redis://127.0.0.1:{port}/0"}}


AWAY_CACHE = "cms.operations.cache.RedisCacheThatMayBeAway"


def test_with_redis_away_reads_miss_writes_are_dropped_and_counting_raises(settings):
    from django.core.cache import cache

    settings.CACHES = redis_cache_at(free_port(), AWAY_CACHE)
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("key", 1) is False and cache.has_key("key") is False
    cache.set("key", 1)
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    # The rate limit must know the count was not kept (it counts in the database then).
    with pytest.raises(RedisConnectionError):
        cache.incr("key")


@pytest.mark.parametrize("backend, status", [
    ("django.core.cache.backends.redis.RedisCache", 500),  # what it was: a 500
    (AWAY_CACHE, 200),
])
def test_the_widget_answers_while_redis_is_away(demo, client, settings, backend, status):
    """The widget's frame finds its page's site through Wagtail's cached site paths: the
    load run's Redis restart answered it with 500s."""
    create_demo_pages(demo)
    organisation = Organisation.objects.filter(region=demo).order_by("pk").first()
    url = f"{SubmissionPage.objects.get(slug='general').url}widget/{organisation.pk}/"
    client.force_login(factories.user(first_name="Анна", last_name="Иванова"))
    settings.CACHES = redis_cache_at(free_port(), backend)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert 'name="text"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("said, lost", [
    # The load run's one 500: a restart between two statements of a transaction, the
    # connection still open in Django's eyes when the error reached the middleware.
    ("server closed the connection unexpectedly", True),
    ("terminating connection due to administrator command", True),
    ("deadlock detected", False),
])
def test_what_the_server_said_tells_a_lost_connection(said, lost):
    from cms.operations.lost_database import connection_lost

    connection.ensure_connection()
    assert connection_lost(OperationalError(said)) is lost
