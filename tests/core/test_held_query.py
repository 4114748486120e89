"""Held queries (`cms.models.held_query`): the reads every request makes, compiled once per
connection, answering as the ORM does, and seeing every change on the very next run.

They are the session a request carries (`cms.operations.session_store`), the signed-in
citizen with the profile (`CitizenOIDCBackend.get_user`) and the regions
(`cms.portal.page_routing`)."""

from __future__ import annotations

import gc
import threading
import weakref
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.accounts.backends import CITIZEN, CitizenOIDCBackend
from cms.accounts.models import CitizenProfile
from cms.models import Region
from cms.models.held_query import HeldQuery
from cms.operations.session_store import SessionStore
from tests import factories

OIDC_BACKEND = "cms.accounts.backends.CitizenOIDCBackend"


@pytest.fixture
def citizen(db):
    user = factories.user(first_name="Анна", last_name="Иванова", email="anna@example.org")
    CitizenProfile.objects.create(user=user, provider_issuer="https://esia.example",
                                  provider_subject="sub-anna", phone="+7 900 000-00-00")
    return user


@pytest.fixture
def compilations(monkeypatch):
    """How many SELECTs Django compiles."""
    counted = []
    compile_select = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        counted.append(self.query.model)
        return compile_select(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return counted


def test_a_held_query_compiles_once_per_connection_and_answers_each_value(db, compilations):
    users = [factories.user() for _ in range(3)]
    by_pk = HeldQuery(lambda pk: get_user_model().objects.filter(pk=pk), pk=-1)
    compilations.clear()
    found = [by_pk(pk=user.pk) for user in users]
    assert [[user.username for user in rows] for rows in found] == [
        [user.username] for user in users
    ]
    assert compilations == [get_user_model()]
    assert by_pk(pk=10**9) == []


def test_a_held_query_makes_the_instances_and_related_objects_the_orm_makes(citizen):
    [held] = CITIZEN(pk=citizen.pk)
    orm = get_user_model().objects.select_related("citizen_profile").get(pk=citizen.pk)
    assert held == orm and not held._state.adding and held._state.db == "default"
    assert {field.attname: getattr(held, field.attname) for field in held._meta.fields} == {
        field.attname: getattr(orm, field.attname) for field in orm._meta.fields
    }
    with CaptureQueriesContext(connection) as captured:
        assert held.citizen_profile.phone == "+7 900 000-00-00"
    assert captured.captured_queries == []


def test_a_held_query_of_a_json_field_converts_it(db):
    region = Region.objects.first() or factories.region()
    Region.objects.filter(pk=region.pk).update(disabled_plugins=["rating"])
    regions = HeldQuery(lambda: Region.objects.order_by("pk"))()
    assert next(r for r in regions if r.pk == region.pk).disabled_plugins == ["rating"]


def test_a_sample_missing_from_the_compiled_parameters_is_refused(db):
    # A build that leaves its argument out: nothing to fill in with it.
    held = HeldQuery(lambda pk: get_user_model().objects.filter(username="x").filter(pk=1),
                     pk=-1)
    with pytest.raises(ImproperlyConfigured, match="each sample must appear once"):
        held(pk=5)


def test_an_annotated_query_cannot_be_held(db):
    from django.db.models import Value

    held = HeldQuery(lambda: get_user_model().objects.annotate(one=Value(1)))
    with pytest.raises(ImproperlyConfigured, match="whole instances"):
        held()


def test_the_citizen_changed_since_the_last_request_is_read_anew(citizen):
    client = Client()
    client.force_login(citizen, backend=OIDC_BACKEND)
    assert client.get("/my/").status_code == 200
    CitizenProfile.objects.filter(user=citizen).update(phone="+7 911 111-11-11")
    assert CitizenOIDCBackend().get_user(citizen.pk).citizen_profile.phone == "+7 911 111-11-11"
    get_user_model().objects.filter(pk=citizen.pk).update(is_active=False)
    assert CitizenOIDCBackend().get_user(citizen.pk) is None
    # The blocked citizen's next request is anonymous: the page asks to log in.
    response = client.get("/my/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_session_is_read_as_it_stands_in_the_database(citizen, compilations):
    client = Client()
    client.force_login(citizen, backend=OIDC_BACKEND)
    key = client.cookies["sessionid"].value
    compilations.clear()
    assert client.get("/my/").status_code == 200
    assert client.get("/my/").status_code == 200
    assert compilations.count(Session) <= 1  # once per connection, maybe before this test
    # Ended elsewhere (a logout on another tab deletes the row): anonymous next time.
    Session.objects.filter(session_key=key).delete()
    response = client.get("/my/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_expired_session_is_not_loaded(citizen):
    store = SessionStore()
    store["marker"] = "kept"
    store.create()
    assert SessionStore(store.session_key).load() == {"marker": "kept"}
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's own store leaves it


def test_a_session_lives_by_this_process_s_clock(citizen, monkeypatch):
    """As with Django's own store: a test (or a process) whose clock is set back still
    finds the session it made then; the database's clock is not asked."""
    back_then = timezone.now() - timedelta(days=300)
    monkeypatch.setattr(timezone, "now", lambda: back_then)
    client = Client()
    client.force_login(citizen, backend=OIDC_BACKEND)
    assert client.get("/my/").status_code == 200


def test_a_compiled_query_goes_with_its_threads_connection(db):
    """A server's request threads come and go, each with its own connection: what a held
    query compiled for one must not keep that connection alive."""
    regions = HeldQuery(lambda: Region.objects.order_by("pk"))
    seen = []

    def request_thread():
        from django.db import connections

        regions()
        seen.append(weakref.ref(connections["default"]))
        connections.close_all()

    thread = threading.Thread(target=request_thread)
    thread.start()
    thread.join()
    gc.collect()
    assert len(seen) == 1 and seen[0]() is None


# Run by `manage.py shell` on the demo's SQLite file: the held reads there.
SQLITE_CHECK = """
from datetime import timedelta
from django.contrib.sessions.models import Session
from django.utils import timezone
from cms.operations.session_store import SessionStore
from cms.portal.page_routing import read_regions
store = SessionStore()
store["marker"] = "kept"
store.create()
print("live", SessionStore(store.session_key).load())
Session.objects.filter(session_key=store.session_key).update(
    expire_date=timezone.now() - timedelta(seconds=1))
print("expired", SessionStore(store.session_key).load())
print("regions", [region.code for region in read_regions()])
"""


def test_the_held_reads_work_on_the_demos_sqlite(tmp_path):
    from tests.notifications.workers import run, worker_environ
    from tests.sqlite_template import migrated_copy

    url = migrated_copy(tmp_path / "demo.sqlite3")
    output = run(["manage.py", "shell", "-c", SQLITE_CHECK], worker_environ(url, {}))
    assert "live {'marker': 'kept'}" in output
    assert "expired {}" in output
    assert "regions [" in output
