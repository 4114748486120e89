"""The satisfaction report: citizens' scores by organisation, category and executor.

It reads only the rating plugin's "rating-scores" dataset through the kernel
(`cms.kernel.reports`), never the plugin's tables: where rating is off, the report says
so instead of showing zeros. The dataset's rows are already aggregated (month ×
organisation × executor × category); this module sums them into the three breakdowns,
narrowing them to the chosen organisations and category. The dataset is not split by
subcategory, territory, channel or fast track: with one of those filters set, the report
says the scores are not narrowed by it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms.kernel.reports import dataset_rows, report_datasets
from cms.models import Appeal, Region

from .filters import ReportFilters
from .results import SHARE, TEXT, Chart, Column, ReportResult, Table

KEY = "rating-scores"
SCORES = range(1, 6)
COLUMNS = (
    Column("label", _("Name"), TEXT),
    Column("ratings", _("Ratings")),
    Column("average_score", _("Average score"), "decimal"),
    *(Column(f"score_{score}", format_lazy(_("Score {score}"), score=score))
      for score in SCORES),
    Column("low_share", _("Share of low scores"), SHARE),
    Column("reopened_share", _("Share reopened"), SHARE),
)
BREAKDOWNS = (
    # table key, title, first column's label, the dataset's id and name columns, link key
    ("by_organisation", _("By organisation"), _("Organisation"), "organisation_id",
     "organisation", "org"),
    ("by_category", _("By category"), _("Category"), "category_id", "category", "cat"),
    ("by_executor", _("By executor"), _("Executor"), "executor_id", "executor",
     "executor"),
)
RATING_OFF = _("Rating is switched off in this region: there are no scores to report.")
UNSPLIT_FILTERS = ("subcategory", "territory", "channel", "fast_track")


def compute(filters: ReportFilters, appeals: QuerySet[Appeal]) -> ReportResult:
    regions = ([filters.region.pk] if filters.region else
               list(Region.objects.filter(Exists(appeals.filter(region_id=OuterRef("pk"))))
                    .values_list("pk", flat=True)))
    offered = dict((dataset.key, ids) for dataset, ids in report_datasets(regions))
    if regions and KEY not in offered:
        return ReportResult(notice=RATING_OFF)
    notices = []
    if off := sorted(set(regions) - set(offered.get(KEY, ()))):
        names = ", ".join(str(region) for region in Region.objects.filter(pk__in=off))
        notices.append(_("Rating is switched off in: %(regions)s; their messages are not "
                         "counted.") % {"regions": names})
    if any(getattr(filters, name) not in (None, "") for name in UNSPLIT_FILTERS):
        notices.append(_("Scores are not narrowed by subcategory, territory, channel or "
                         "fast track."))

    # No messages in scope: empty tables (nothing says rating is off).
    rows = dataset_rows(KEY, regions, filters.start, filters.end) if regions else []
    if filters.organisation is not None:
        wanted = set(filters.organisation_ids())
        rows = [row for row in rows if row["organisation_id"] in wanted]
    if filters.category is not None:
        rows = [row for row in rows if row["category_id"] == filters.category.pk]

    tables = [breakdown(rows, *spec) for spec in BREAKDOWNS]
    tables.append(distribution(rows))
    charts = [Chart("distribution", "bar", _("Distribution of scores"), "label",
                    ("ratings",)),
              Chart("by_organisation", "hbar", _("Average score by organisation"), "label",
                    ("average_score",))]
    return ReportResult(tables=tables, charts=charts,
                        notice=" ".join(str(n) for n in notices) or None)


def summed(rows: list[dict]) -> dict:
    """The figures of several dataset rows together (shares weighted by ratings)."""
    ratings = sum(row["ratings"] for row in rows)
    scores = {score: sum(row[f"score_{score}"] for row in rows) for score in SCORES}
    low = sum(round(row["low_share"] * row["ratings"]) for row in rows)
    reopened = sum(round(row["reopened_share"] * row["ratings"]) for row in rows)
    return {
        "ratings": ratings,
        "average_score": round(sum(s * n for s, n in scores.items()) / ratings, 2)
        if ratings else None,
        **{f"score_{score}": count for score, count in scores.items()},
        "low_share": round(low / ratings, 4) if ratings else None,
        "reopened_share": round(reopened / ratings, 4) if ratings else None,
    }


def breakdown(rows, key, title, label, id_column, name_column, link) -> Table:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row[id_column], row[name_column])].append(row)
    table_rows = [{"label": name, **summed(members),
                   "_links": {"label": {link: pk}}}
                  for (pk, name), members in sorted(groups.items(), key=lambda g: g[0][1])]
    return Table(key, title, (Column("label", label, TEXT), *COLUMNS[1:]), table_rows,
                 totals={"label": _("Total"), **summed(rows)})


def distribution(rows) -> Table:
    total = summed(rows)
    table_rows = [{"label": str(score), "ratings": total[f"score_{score}"],
                   "share": round(total[f"score_{score}"] / total["ratings"], 4)
                   if total["ratings"] else None} for score in SCORES]
    return Table("distribution", _("Distribution of scores"),
                 (Column("label", _("Score"), TEXT), Column("ratings", _("Ratings")),
                  Column("share", _("Share"), SHARE)), table_rows)
