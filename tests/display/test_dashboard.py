"""/admin/ shows each role its queues: how many messages, how many overdue, how many due
today, each a link to the queue (finding 14 of issue 11)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import Status
from cms.staff_admin.dashboard import queue_summaries, today_bounds
from cms.staff_admin.queues import registered_queues
from tests.workflow.builders import demo_staff, message


@pytest.fixture
def staff(demo):
    return demo_staff()


def row(page: str, key: str) -> str:
    return re.search(rf'<tr data-queue="{key}">(.*?)</tr>', page, re.S)[1]


def dashboard(client, user) -> tuple[int, str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_moderator_sees_the_queue_its_overdue_and_today_s_messages(client, staff):
    now = timezone.now()
    start, end = today_bounds(now)
    message(Status.ON_MODERATION, deadline=now - timedelta(hours=2))  # overdue
    message(Status.ON_MODERATION, deadline=max(now + timedelta(minutes=5),
                                               end - timedelta(minutes=1)))  # today
    message(Status.ON_MODERATION, deadline=now + timedelta(days=5))
    _, page = dashboard(client, staff["moderator"])
    moderation = row(page, "moderation")
    counts = [int(n) for n in re.findall(r">(\d+)</a>", moderation)]
    summary = next(s for s in queue_summaries(staff["moderator"], now)
                   if s.queue.key == "moderation")
    assert summary.count >= 3 and summary.overdue >= 1 and summary.due_today >= 1
    assert counts == [summary.count, summary.overdue, summary.due_today]
    assert 'href="/admin/queues/moderation/"' in moderation
    assert 'href="/admin/queues/moderation/?overdue=yes"' in moderation
    assert "/admin/queues/moderation/?deadline_from=" in moderation
    # Only the moderator's queues, none of other roles'.
    assert '<tr data-queue="approval">' not in page
    # No page search and no site summary on a staff dashboard.
    assert "Search all pages" not in page and "Поиск по всем страницам" not in page


def test_every_role_sees_the_queues_of_its_roles_plugins_included(client, staff):
    for name in ("moderator", "coordinator", "executor", "head", "curator"):
        user = staff[name]
        _, page = dashboard(client, user)
        shown = set(re.findall(r'<tr data-queue="([\w-]+)">', page))
        assert shown == {q.key for q in registered_queues() if q.is_shown_to(user)}, name
        assert shown
    plugin_queues = {q.key for q in registered_queues() if q.plugin != "core"}
    _, page = dashboard(client, staff["curator"])
    assert plugin_queues & set(re.findall(r'<tr data-queue="([\w-]+)">', page))


def test_the_dashboard_costs_the_same_queries_for_few_or_many_messages(client, staff):
    message(Status.ON_MODERATION)
    dashboard(client, staff["moderator"])  # the process's memory of the role is filled once
    few, _ = dashboard(client, staff["moderator"])
    for _ in range(30):
        message(Status.ON_MODERATION, deadline=timezone.now() - timedelta(hours=1))
    many, page = dashboard(client, staff["moderator"])
    assert many == few
    assert "30" in row(page, "moderation") or "31" in row(page, "moderation")


def test_the_summaries_cost_one_query_per_queue(staff, django_assert_num_queries):
    moderator = staff["moderator"]
    queue_summaries(moderator)  # the user's roles and grants, remembered on the user
    counted = [q for q in registered_queues() if q.is_shown_to(moderator) and q.counted]
    with django_assert_num_queries(len(counted)):
        queue_summaries(moderator)
