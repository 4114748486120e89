"""The rating plugin's report dataset beside one hand-written GROUP BY over the same tables.

Both sides give the same rows (month in the region's time zone, organisation, executor,
category; count, average, distribution, low and reopened shares; the three ids), as
tuples, so the run can check that they agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps
from django.db import connection
from django.utils import timezone

from benchmark.measure import Probe
from cms.kernel.reports import dataset_rows, report_datasets

KEY = "rating-scores"
LABEL = f"dataset {KEY} (12 months)"
USER = "-"
SCORES = range(1, 6)

BARE_SQL = """
SELECT to_char(date_trunc('month', r.created_at AT TIME ZONE g.time_zone), 'YYYY-MM'),
       COALESCE(o.name, ''),
       COALESCE(NULLIF(concat_ws(' ', NULLIF(u.last_name, ''), NULLIF(u.first_name, '')),
                       ''), u.username),
       concat_ws(' ', NULLIF(c.code, ''), NULLIF(c.name, '')),
       count(*), avg(r.score),
       count(*) FILTER (WHERE r.score = 1), count(*) FILTER (WHERE r.score = 2),
       count(*) FILTER (WHERE r.score = 3), count(*) FILTER (WHERE r.score = 4),
       count(*) FILTER (WHERE r.score = 5),
       count(*) FILTER (WHERE r.is_low OR r.score <= COALESCE(s.low_threshold, %(low)s)),
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM rating_lowratingreview v
           WHERE v.rating_id = r.id AND v.outcome = 'reopened')),
       o.id, u.id, c.id
FROM rating_rating r
JOIN cms_appeal a ON a.id = r.appeal_id
JOIN cms_region g ON g.id = a.region_id
LEFT JOIN rating_ratingsettings s ON s.region_id = a.region_id
LEFT JOIN cms_organisation o ON o.id = a.organisation_id
JOIN cms_answer x ON x.id = r.answer_id
JOIN auth_user u ON u.id = x.author_id
JOIN cms_category c ON c.id = a.category_id
WHERE a.region_id = ANY(%(regions)s) AND a.created_at >= %(since)s
  AND a.created_at < %(until)s
GROUP BY 1, o.id, u.id, c.id, s.low_threshold
"""


def real_rows(region_ids: list[int], since: datetime, until: datetime) -> list[tuple]:
    return [tuple(row.values()) for row in dataset_rows(KEY, region_ids, since, until)]


def bare_rows(region_ids: list[int], since: datetime, until: datetime) -> list[tuple]:
    settings = apps.get_model("rating", "RatingSettings")
    low = settings._meta.get_field("low_threshold").default
    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL, {"low": low, "regions": region_ids, "since": since,
                                  "until": until})
        grouped = cursor.fetchall()
    # Rounded as the dataset rounds them.
    rows = []
    for period, organisation, executor, category, count, average, *rest in grouped:
        scores, (low_count, reopened), ids = rest[:5], rest[5:7], rest[7:]
        rows.append((period, organisation, executor, category, count,
                     round(float(average), 2), *scores, round(low_count / count, 4),
                     round(reopened / count, 4), *ids))
    return rows


def dataset_pair(region) -> tuple[Probe, Probe] | None:
    """The dataset over the region's last 12 months and its bare query; None where the
    rating plugin does not offer it (not installed, not registered, or off there)."""
    if not apps.is_installed("plugins.rating"):
        return None
    if KEY not in {dataset.key for dataset, _regions in report_datasets([region.pk])}:
        return None
    until = timezone.now() + timedelta(minutes=1)
    since = until - timedelta(days=365)
    regions = [region.pk]
    return (Probe(LABEL, USER, "", call=lambda: real_rows(regions, since, until)),
            Probe("bare SQL GROUP BY", USER, "",
                  call=lambda: bare_rows(regions, since, until)))
