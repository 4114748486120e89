"""The problem points' facts computed in Python (plugins/reports/python_problem_facts.py,
the refresh's path on SQLite, the demo's database) are the rows PostgreSQL's SQL writes:
run here on PostgreSQL, both paths over the same messages, full and incremental; and
pg_trgm's similarity in Python (plugins/reports/trigrams.py) is PostgreSQL's."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from cms.kernel.plugins import enabled_region_ids
from plugins.reports import problem_facts, python_problem_facts
from plugins.reports.problem_facts import (
    ProblemFact,
    ProblemGroup,
    ProblemMonth,
    ProblemPlace,
)
from plugins.reports.similar import GROUP_THRESHOLD
from plugins.reports.trigrams import at_least, similarity, trigrams

from .fixed_data import build
from .test_problems_facts import (
    POTHOLE,
    POTHOLE_AGAIN,
    POTHOLE_THIRD,
    RUBBISH,
    message,
    touch,
)

pytestmark = pytest.mark.django_db

TEXTS = [POTHOLE, POTHOLE_AGAIN, POTHOLE_THIRD, RUBBISH,
         "Глубокая яма на дороге у дома Ленина 1, опасно для машин и людей",
         "ЁЖИК ёжик Ёлка_ёлка a-b c_d x1 2x 100500 — «кавычки» É é ß ǅ",
         "", "   ", "a", "ab", "Нужен ремонт", "Нужен ремонт!!!"]


def test_trigram_similarity_is_pg_trgms():
    with connection.cursor() as cursor:
        for first, second in itertools.product(TEXTS, repeat=2):
            cursor.execute("SELECT similarity(%s, %s), similarity(%s, %s) >= %s",
                           [first, second, first, second, GROUP_THRESHOLD])
            expected, similar = cursor.fetchone()
            assert similarity(first, second) == pytest.approx(expected, abs=1e-6)
            assert at_least(trigrams(first), trigrams(second), GROUP_THRESHOLD) == similar


def snapshot() -> dict:
    """The tables by their natural keys (places' ids depend on the order of writing)."""
    places = {place.pk: (place.territory_id, place.key)
              for place in ProblemPlace.objects.all()}
    return {
        "places": sorted((places[p.pk], p.region_id, p.address, p.total)
                         for p in ProblemPlace.objects.all()),
        "facts": sorted((f.appeal_id, f.region_id, f.created_at, f.organisation_id,
                         f.category_id, f.subcategory_id, f.territory_id, f.channel,
                         f.is_fast_track, places.get(f.place_id), f.similar_group)
                        for f in ProblemFact.objects.all()),
        "groups": sorted((g.id, g.region_id, places[g.place_id], g.subcategory_id, g.size)
                         for g in ProblemGroup.objects.all()),
        "months": sorted(ProblemMonth.objects.values_list(
            "region_id", "month", "subcategory_id", "territory_id", "category_id",
            "messages")),
    }


def in_python(*, full: bool, since=None) -> dict[str, int]:
    return python_problem_facts.write(full=full, since=since,
                                      regions=enabled_region_ids("reports"))


@pytest.fixture
def messages(demo):
    assert connection.vendor == "postgresql"  # the SQL path is the reference
    data = build()
    first = message(POTHOLE, days_ago=10)
    second = message(POTHOLE_AGAIN, days_ago=8, address="  УЛ. ЛЕНИНА, 5 ")
    message(RUBBISH, days_ago=5)
    message(POTHOLE_THIRD, days_ago=50)  # out of the window
    return data, first, second


def test_the_full_refresh_in_python_writes_the_sqls_rows(messages):
    by_sql = problem_facts.refresh(full=True)
    expected = snapshot()
    assert len(expected["groups"]) == 2 and expected["months"]
    assert in_python(full=True) == by_sql
    assert snapshot() == expected


def test_the_incremental_refresh_in_python_writes_the_sqls_rows(messages):
    _data, first, second = messages
    problem_facts.refresh(full=True)
    since = problem_facts.refreshed_at()
    message(POTHOLE_THIRD, days_ago=2)  # joins the group
    touch(second, address="ул. Мира, 12")  # leaves it
    touch(first, organisation=second.organisation)
    written = in_python(full=False, since=since)
    assert written["facts"] == 3 and written["places"] == 1
    found = snapshot()
    problem_facts.refresh(full=True)  # the SQL's answer over everything
    assert found == snapshot()
