"""The one generator (`cms.generator`, `manage.py generate_messages`): the same seed gives
the same rows, another seed others; its distributions give every status and case the
reports count; the command's progress bar and its refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F

from cms import generator
from cms.generator import indexes
from cms.models import (
    Answer,
    Appeal,
    AppealEvent,
    AppealUserObjectPermission,
    Channel,
    EventKind,
    Postponement,
    Status,
)
from cms.models.appeals import RUNNING_STATUSES
from plugins.rating.models import LowRatingReview, Rating

END = datetime(2026, 11, 1, tzinfo=dt_timezone.utc)
PREFIX = "T-"


class Rollback(Exception):
    """Undoes one generation inside the test's transaction (a savepoint)."""


def snapshot() -> dict[str, list]:
    """Every generated row without its id (ids come from sequences), by message number."""
    mine = {"appeal__number__startswith": PREFIX}
    return {
        "appeals": list(Appeal.objects.filter(number__startswith=PREFIX).order_by("number")
                        .values_list("number", "public_id", "channel", "category__code",
                                     "subcategory__code", "territory__code", "address",
                                     "text", "organisation__code", "executor__username",
                                     "status", "deadline", "is_fast_track", "is_overdue",
                                     "postponed_until", "created_at", "updated_at",
                                     "version")),
        "events": sorted(AppealEvent.objects.filter(**mine).values_list(
            "appeal__number", "kind", "actor__username", "created_at", "from_value",
            "to_value", "reason", "is_public"), key=str),
        "event_data": sorted(str(data) for data in AppealEvent.objects.filter(**mine)
                             .exclude(kind="rating_given").values_list("data", flat=True)),
        "answers": sorted(Answer.objects.filter(**mine).values_list(
            "appeal__number", "author__username", "submitted_at", "decided_by__username",
            "decided_at", "text", "is_published", "published_at"), key=str),
        "postponements": sorted(Postponement.objects.filter(**mine).values_list(
            "appeal__number", "submitted_at", "decided_at", "reasons", "until",
            "is_approved"), key=str),
        "grants": sorted(AppealUserObjectPermission.objects.filter(
            content_object__number__startswith=PREFIX).values_list(
            "content_object__number", "user__username")),
        "ratings": sorted(Rating.objects.filter(**mine).values_list(
            "appeal__number", "score", "solved", "comment", "is_low", "created_at")),
        "reviews": sorted(LowRatingReview.objects.filter(**mine).values_list(
            "appeal__number", "opened_at", "closed_at", "outcome"), key=str),
    }


def generated_once(region, seed: int, count: int = 300, **options) -> dict[str, list]:
    try:
        with transaction.atomic():
            generator.generate(region, count, seed=seed, prefix=PREFIX, end=END, batch=70,
                               **options)
            rows = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert not Appeal.objects.filter(number__startswith=PREFIX).exists()
    return rows


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(demo):
    first = generated_once(demo, seed=11)
    assert len(first["appeals"]) == 300
    for table, rows in first.items():
        assert rows, f"nothing generated in {table}"
    assert generated_once(demo, seed=11) == first
    other = generated_once(demo, seed=12)
    for table in ("appeals", "events", "answers", "ratings"):
        assert other[table] != first[table], table


def test_a_top_up_continues_the_numbers_with_new_draws(demo):
    generator.generate(demo, 40, seed=3, prefix=PREFIX, end=END)
    generator.generate(demo, 40, seed=3, prefix=PREFIX, end=END)
    numbers = sorted(Appeal.objects.filter(number__startswith=PREFIX)
                     .values_list("number", flat=True))
    assert numbers == [f"{PREFIX}{index:07d}" for index in range(1, 81)]
    texts = list(Appeal.objects.filter(number__startswith=PREFIX).order_by("number")
                 .values_list("public_id", "created_at"))
    assert texts[:40] != texts[40:]


def test_the_distributions_give_every_case_the_reports_count(demo):
    # A short span, so that a good share is still in work at its end.
    counts = generator.generate(demo, 3000, seed=5, prefix=PREFIX, end=END, days=120,
                                batch=1000)
    appeals = Appeal.objects.filter(number__startswith=PREFIX)
    assert counts["cms.Appeal"] == appeals.count() == 3000
    statuses = set(appeals.values_list("status", flat=True))
    assert statuses >= {Status.ON_MODERATION, Status.SENT_TO_ORGANISATION,
                        Status.IN_WORK, Status.ON_APPROVAL, Status.POSTPONED,
                        Status.ANSWERED, Status.CLOSED, Status.REJECTED}
    assert set(appeals.values_list("channel", flat=True)) == set(Channel.values)
    assert appeals.filter(is_fast_track=True).exists()
    # Overdue exactly as the sweep would have marked it at the end of the span.
    running = appeals.filter(status__in=RUNNING_STATUSES)
    assert appeals.filter(is_overdue=True).count() == running.filter(
        deadline__lt=END).count() > 0
    assert not appeals.filter(created_at__gt=END).exists()
    assert not AppealEvent.objects.filter(appeal__in=appeals, created_at__gt=END).exists()

    answers = Answer.objects.filter(appeal__in=appeals, is_published=True)
    on_time = answers.filter(published_at__lte=F("appeal__deadline")).count()
    late = answers.count() - on_time
    assert on_time > late > 0
    # Answered and closed messages have their published answer; on approval a draft.
    done = appeals.filter(status__in=[Status.ANSWERED, Status.CLOSED])
    assert answers.values("appeal").distinct().count() == done.count()
    assert Answer.objects.filter(appeal__status=Status.ON_APPROVAL, appeal__in=appeals,
                                 is_published=False).exists()
    # Redirects: the coordinator's ADDRESSEE_CHANGED (marked) and its status change.
    redirects = AppealEvent.objects.filter(appeal__in=appeals,
                                           kind=EventKind.ADDRESSEE_CHANGED,
                                           data__redirect=True)
    assert redirects.exists()
    assert AppealEvent.objects.filter(appeal__in=appeals, kind=EventKind.STATUS_CHANGED,
                                      data__action="redirect").count() == redirects.count()
    postponed = Postponement.objects.filter(appeal__in=appeals, is_approved=True)
    assert postponed.exists()
    assert appeals.filter(status=Status.POSTPONED).count() == appeals.filter(
        status=Status.POSTPONED, postponed_until__isnull=False).count()
    assert AppealEvent.objects.filter(appeal__in=appeals,
                                      kind=EventKind.DEADLINE_CHANGED).exists()
    # Every message's history starts with its registration.
    assert AppealEvent.objects.filter(appeal__in=appeals,
                                      kind=EventKind.REGISTERED).count() == 3000
    # The executors hold their grant.
    assigned = appeals.filter(executor__isnull=False)
    assert AppealUserObjectPermission.objects.filter(
        content_object__in=assigned).count() == assigned.count() > 0
    # The rating plugin's rows, through its hook: low and good scores, reviews.
    ratings = Rating.objects.filter(appeal__in=appeals)
    assert counts["rating.Rating"] == ratings.count() > 0
    assert set(ratings.values_list("score", flat=True)) == {1, 2, 3, 4, 5}
    assert not ratings.exclude(appeal__status__in=[Status.ANSWERED, Status.CLOSED]).exists()
    reviews = LowRatingReview.objects.filter(appeal__in=appeals)
    assert reviews.count() == ratings.filter(is_low=True).count() > 0
    assert {"reopened", "closed", ""} <= set(reviews.values_list("outcome", flat=True))
    assert AppealEvent.objects.filter(appeal__in=appeals,
                                      kind="rating_given").count() == ratings.count()
    # Places repeat, so that the problem points and similar groups have something,
    # without one address taking the region.
    by_place = list(appeals.values("address").annotate(n=Count("pk")).order_by("-n"))
    assert 20 <= by_place[0]["n"] <= 3000 // 20
    assert sum(1 for place in by_place if place["n"] >= 2) > 100


def test_the_command_shows_progress_and_what_it_wrote(demo):
    out, err = StringIO(), StringIO()
    call_command("generate_messages", region="demo", count=120, seed=2, batch=50,
                 workers=1, end=END, prefix=PREFIX, yes=True, stdout=out, stderr=err)
    assert Appeal.objects.filter(number__startswith=PREFIX).count() == 120
    progress = err.getvalue()
    assert "100%" in progress and "120 / 120" in progress
    assert "cms.Appeal 120" in out.getvalue()
    assert "statistics: ANALYZE" in out.getvalue()


def test_the_command_refuses_a_live_site_and_an_unknown_region(demo, settings):
    settings.DEBUG = False
    settings.POS_DEMO = False
    with pytest.raises(CommandError, match="demo or benchmark"):
        call_command("generate_messages", region="demo", count=1)
    with pytest.raises(CommandError, match="No region"):
        call_command("generate_messages", region="nowhere", count=1, yes=True)


# The tables a generation writes to, the plugins' included.
WRITTEN_TABLES = ["cms_appeal", "cms_appealevent", "cms_answer", "cms_postponement",
                  "cms_appealuserobjectpermission", "rating_rating",
                  "rating_lowratingreview"]


def assert_schema_is(expected: tuple[list, list]) -> None:
    now = schema()
    for found, wanted in zip(now, expected, strict=True):
        assert set(wanted) - set(found) == set(), "missing"
        assert set(found) - set(wanted) == set(), "added"
    assert now == expected


def schema() -> tuple[list, list]:
    """The written tables' indexes and constraints, as the catalogue describes them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes "
                       "WHERE schemaname = current_schema() AND tablename = ANY(%s) "
                       "ORDER BY 1, 2", [WRITTEN_TABLES])
        found = cursor.fetchall()
        cursor.execute("SELECT conrelid::regclass::text, conname, contype, "
                       "pg_get_constraintdef(oid), condeferrable, condeferred, "
                       "confrelid::regclass::text FROM pg_constraint "
                       "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
                       [WRITTEN_TABLES])
        return found, cursor.fetchall()


@dataclass
class Restores:
    """What `indexes.restore` saw: the index names before it built them again (what
    the load ran without), and the schema after."""

    names_before: list[set[str]] = field(default_factory=list)
    schema_after: list[tuple[list, list]] = field(default_factory=list)


@pytest.fixture
def restores(monkeypatch) -> Restores:
    seen = Restores()
    restore = indexes.restore

    def spy(set_aside, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)",
                           [WRITTEN_TABLES])
            seen.names_before.append({name for (name,) in cursor.fetchall()})
        restore(set_aside, **options)
        seen.schema_after.append(schema())

    monkeypatch.setattr(indexes, "restore", spy)
    return seen


def test_a_large_load_builds_the_indexes_again_as_migrations_made_them(demo, restores):
    before = schema()
    rebuilt = generated_once(demo, seed=11, rebuild_indexes=True)
    # The load ran without the secondary indexes (the trigram GIN ones among them),
    # with the primary keys, and the partial indexes PostgreSQL would not build back
    # word for word (a `status IN (...)` condition) ...
    [during] = restores.names_before
    assert {"appeal_text_trgm", "appeal_number_trgm", "appeal_org_queue",
            "cms_appeal_public_id_key", "appeal_number_per_region",
            "cms_appealevent_appeal_id_e424130b", "rating_rating_answer_id_key",
            }.isdisjoint(during)
    assert {"cms_appeal_pkey", "cms_answer_pkey", "rating_rating_pkey",
            "appeal_region_overdue"} <= during
    # ... and left the schema exactly as it found it (inside the generation's
    # transaction, before the rollback), with the same rows.
    [after] = restores.schema_after
    assert after == before
    assert rebuilt == generated_once(demo, seed=11, rebuild_indexes=False)


@pytest.mark.django_db(transaction=True)
def test_worker_processes_load_and_connections_build_the_indexes_again(demo, restores):
    before = schema()
    counts = generator.generate(demo, 300, seed=4, prefix=PREFIX, end=END, batch=70,
                                workers=2, rebuild_indexes=True)
    assert "appeal_text_trgm" not in restores.names_before[0]
    assert_schema_is(before)
    assert counts["cms.Appeal"] == Appeal.objects.filter(
        number__startswith=PREFIX).count() == 300
    assert counts["cms.AppealEvent"] == AppealEvent.objects.filter(
        appeal__number__startswith=PREFIX).count()


@pytest.mark.django_db(transaction=True)
def test_a_failed_load_still_builds_the_indexes_again(demo, monkeypatch):
    before = schema()
    run_batch = generator.run.Job.run_batch

    def third_fails(job, first_index, size):
        if first_index > 2 * 70:
            raise RuntimeError("the database went away")
        return run_batch(job, first_index, size)

    monkeypatch.setattr(generator.run.Job, "run_batch", third_fails)
    with pytest.raises(RuntimeError, match="went away"):
        generator.generate(demo, 300, seed=4, prefix=PREFIX, end=END, batch=70,
                           rebuild_indexes=True)
    assert_schema_is(before)
    assert Appeal.objects.filter(number__startswith=PREFIX).count() == 140



def test_indexes_are_set_aside_by_default_only_for_a_large_load_into_few_messages(
        demo, monkeypatch):
    from cms.generator import run

    assert not run._worth_rebuilding_indexes(run.REBUILD_INDEXES_FROM - 1)
    assert run._worth_rebuilding_indexes(run.REBUILD_INDEXES_FROM)
    # A load adding no more messages than the database holds keeps the indexes.
    monkeypatch.setattr(run, "REBUILD_INDEXES_FROM", 1)
    generator.generate(demo, 30, seed=3, prefix=PREFIX, end=END)
    held = Appeal.objects.count()
    assert not run._worth_rebuilding_indexes(held)
    assert run._worth_rebuilding_indexes(held + 1)
