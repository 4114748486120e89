"""The submit path's shared counters (issue 17): the region's number counter, which every
citizen of the region shares, and the rate count of an address, which a whole office
behind NAT shares. A submission being written must not hold them, or each submission
waits out the whole registration of the one before (the harness saw the submit path's
workers queue there, with CPU to spare). Two real transactions on PostgreSQL, each with
its own connection, two citizens at one address: the first is held open after its
message is written, the second must register meanwhile."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from cms.models import Appeal
from cms.submission import held_uploads
from tests import factories
from tests.portal.conftest import valid_post

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

HELD_OPEN = "held-open"


def submit_in_thread(name: str, citizen, url: str, data: dict, outcome: dict):
    """Post `data` as `citizen` from a thread of its own (its own connection)."""
    def post():
        from django.db import connection as thread_connection

        try:
            browser = Client()
            browser.force_login(citizen)
            outcome[name] = browser.post(url, data).status_code
        except Exception as error:  # noqa: BLE001 - the main thread asserts on it
            outcome[name] = error
        finally:
            thread_connection.close()

    thread = threading.Thread(target=post, name=name)
    thread.start()
    return thread


def test_a_submission_being_written_does_not_hold_back_the_next(general, monkeypatch):
    written, release = threading.Event(), threading.Event()
    real_release = held_uploads.release

    def release_then_wait(held):
        # Inside the first post's transaction, after its message and events are written.
        real_release(held)
        if threading.current_thread().name == HELD_OPEN:
            written.set()
            release.wait(60)

    monkeypatch.setattr(held_uploads, "release", release_then_wait)
    first_citizen, second_citizen = factories.user(), factories.user()
    first_post, second_post = valid_post(), valid_post(address="ул. Мира, 1")
    outcome = {}

    first = submit_in_thread(HELD_OPEN, first_citizen, general.url, first_post, outcome)
    try:
        assert written.wait(60), outcome
        second = submit_in_thread("second", second_citizen, general.url, second_post,
                                  outcome)
        second.join(20)
        finished_meanwhile = not second.is_alive()
    finally:
        release.set()
        first.join(60)
        second.join(60)

    assert finished_meanwhile, "the second submission waited for the first one's commit"
    assert outcome == {HELD_OPEN: 302, "second": 302}
    numbers = dict(Appeal.objects.filter(
        idempotency_key__in=[first_post["idempotency_key"], second_post["idempotency_key"]]
    ).values_list("citizen", "number"))
    serial = {citizen: int(number.rsplit("-", 1)[1]) for citizen, number in numbers.items()}
    # The first numbered before the second began; both kept their numbers.
    assert serial[second_citizen.pk] == serial[first_citizen.pk] + 1
