"""`manage.py pos_benchmark` on a small data set: one row per path, figures that are
the requests' real costs, the rating dataset beside its bare query, `--reuse`, and nothing
left behind by `--cleanup`."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from benchmark import datasets, paths
from benchmark.data import BENCH_PREFIX, GENERATED_PREFIX, SUBMIT_MARKER
from cms.kernel.reports import dataset_rows
from cms.models import Answer, Appeal, AppealUserObjectPermission, Status
from cms.portal.demo import create_demo_pages
from cms.staff_admin.queues import registered_queues
from plugins.rating.models import LowRatingReview, Rating
from tests import factories
from tests.workflow.builders import demo_staff

COUNT = 300


@pytest.fixture
def bench_demo(demo):
    """The demo as seed_demo leaves it, as far as the benchmark needs it."""
    create_demo_pages(demo)
    factories.user("citizen", email="citizen@example.org", first_name="Иван",
                   last_name="Петров")
    return demo


def run(**options) -> str:
    out = StringIO()
    call_command("pos_benchmark", stdout=out, **options)
    return out.getvalue()


def table_rows(output: str) -> dict[str, list[str]]:
    """The table's lines by path: path, user, queries, rows, median, p95, ratio."""
    rows = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 7 and cells[0] != "path":
            rows[cells[0]] = cells
    return rows


def queries_of(client, url: str) -> int:
    client.get(url)  # warm, as the command does before it measures
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_refuses_outside_the_demo_without_yes(settings):
    settings.DEBUG = False
    settings.POS_DEMO = False
    with pytest.raises(CommandError, match="demo or benchmark"):
        run(count=1)


def test_prints_real_figures_for_every_path_and_cleans_up(bench_demo, client):
    grants_before = AppealUserObjectPermission.objects.count()
    output = run(count=COUNT, repeat=2, yes=True)

    generated = Appeal.objects.filter(number__startswith=GENERATED_PREFIX)
    assert generated.count() == COUNT
    assert f"over {COUNT:,} generated messages" in output
    assert generated.values("status").distinct().count() >= 5
    assert generated.values("organisation").distinct().count() >= 10
    assigned = generated.filter(executor__isnull=False)
    assert assigned.exists()
    assert AppealUserObjectPermission.objects.filter(
        content_object__in=assigned).count() == assigned.count()

    rows = table_rows(output)
    message = paths.submitted_message(bench_demo)
    expected = {"POST /general/", "bare POST /__bare__/demo/submit/",
                f"GET /admin/messages/{message.pk}/",
                f"bare GET /__bare__/messages/{message.pk}/"}
    for queue in registered_queues():
        expected |= {f"GET /admin/queues/{queue.key}/",
                     f"bare GET /__bare__/queues/{queue.key}/"}
    search = f"{paths.SEARCH_QUEUE}/?q={paths.SEARCH_DIGITS}"
    expected |= {f"GET /admin/queues/{search}", f"bare GET /__bare__/queues/{search}"}
    expected |= {datasets.LABEL, "bare SQL GROUP BY"}
    assert set(rows) == expected
    found = Appeal.objects.filter(region=bench_demo,
                                  number__endswith=paths.SEARCH_DIGITS).count()
    assert int(rows[f"GET /admin/queues/{search}"][3]) == min(50, found) > 0
    assert "list different messages" not in output
    for cells in rows.values():
        assert float(cells[4]) > 0 and float(cells[5]) >= float(cells[4])

    # The printed costs are what the same requests cost here and now.
    staff = demo_staff()
    for queue in registered_queues():
        client.force_login(staff[paths.queue_user(queue)])
        url = f"/admin/queues/{queue.key}/"
        assert int(rows[f"GET {url}"][2]) == queries_of(client, url), queue.key
        with override_settings(ROOT_URLCONF="benchmark.urls"):
            bare_url = f"/__bare__/queues/{queue.key}/"
            assert int(rows[f"bare GET {bare_url}"][2]) == queries_of(client, bare_url)
    client.force_login(staff[paths.MESSAGE_USER])
    url = f"/admin/messages/{message.pk}/"
    assert int(rows[f"GET {url}"][2]) == queries_of(client, url)
    on_moderation = Appeal.objects.filter(region=bench_demo,
                                          status=Status.ON_MODERATION).count()
    assert int(rows["GET /admin/queues/moderation/"][3]) == min(50, on_moderation)

    # Answered and closed messages have a published answer, 60% of them a rating; the
    # dataset row counts what dataset_rows returns, and the bare query agrees.
    done = generated.filter(status__in=[Status.ANSWERED, Status.CLOSED])
    assert Answer.objects.filter(appeal__in=done, is_published=True).count() == done.count()
    ratings = Rating.objects.filter(appeal__in=generated)
    assert 0 < ratings.count() < done.count()
    assert ratings.values("score").distinct().count() >= 3
    assert LowRatingReview.objects.filter(appeal__in=generated).exists()
    since, until = timezone.now() - timedelta(days=365), timezone.now() + timedelta(days=1)
    shown = dataset_rows(datasets.KEY, [bench_demo.pk], since, until)
    assert int(rows[datasets.LABEL][3]) == len(shown) > 0
    assert int(rows["bare SQL GROUP BY"][3]) == len(shown)
    assert sorted(datasets.bare_rows([bench_demo.pk], since, until)) == sorted(
        tuple(row.values()) for row in shown)
    assert sum(row["ratings"] for row in shown) == ratings.count()

    # A top-up generates only what is missing, with its answers and ratings.
    again = run(count=COUNT, repeat=1, reuse=True, yes=True)
    assert f"reusing {COUNT:,} generated messages" in again
    assert generated.count() == COUNT
    run(count=COUNT + 40, repeat=1, reuse=True, yes=True)
    assert generated.count() == COUNT + 40
    topped_up = generated.filter(number__gt=f"{GENERATED_PREFIX}{COUNT:07d}")
    assert topped_up.count() == 40
    assert Answer.objects.filter(appeal__in=topped_up, is_published=True).count() == (
        topped_up.filter(status__in=[Status.ANSWERED, Status.CLOSED]).count())

    removed = run(cleanup=True, yes=True)
    assert "removed" in removed
    assert not Appeal.objects.filter(number__startswith=BENCH_PREFIX).exists()
    assert not Appeal.objects.filter(text__startswith=SUBMIT_MARKER).exists()
    assert AppealUserObjectPermission.objects.count() == grants_before
    assert not Answer.objects.filter(appeal__number__startswith=BENCH_PREFIX).exists()
    assert not Rating.objects.exists()
