"""The satisfaction report: citizens' scores by organisation, category and executor.

Whether rating is on in a region is the kernel's answer (`cms.kernel.reports`: the
rating plugin offers its "rating-scores" dataset there): where it is off, the report says
so instead of showing zeros. The scores come from the ratings' facts (`RatingFact`,
refreshed by plugins.reports.facts), in the user's scope, narrowed to the period (by the
messages' registration), the organisations and the category: one GROUPING SETS query for
the three breakdowns and the distribution, then the names. Like the rating dataset, the
scores are not split by subcategory, territory, channel or fast track: with one of those
filters set, the report says the scores are not narrowed by it.
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms.kernel.reports import report_datasets
from cms.models import Category, Organisation, Region

from .facts import grouped
from .filters import ReportFilters, ReportScope
from .models import AppealFact, RatingFact
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
    # table key, title, first column's label, the facts' id column, link key
    ("by_organisation", _("By organisation"), _("Organisation"), "organisation_id", "org"),
    ("by_category", _("By category"), _("Category"), "category_id", "cat"),
    ("by_executor", _("By executor"), _("Executor"), "executor_id", "executor"),
)
AGGREGATES = {
    "ratings": "count(*)",
    "low": "count(*) FILTER (WHERE r.is_low)",
    "reopened": "count(*) FILTER (WHERE r.reopened)",
    **{f"score_{score}": f"count(*) FILTER (WHERE r.score = {score})" for score in SCORES},
}
RATING_OFF = _("Rating is switched off in this region: there are no scores to report.")
UNSPLIT_FILTERS = ("subcategory", "territory", "channel", "fast_track")


def compute(filters: ReportFilters, scope: ReportScope) -> ReportResult:
    regions = ([filters.region.pk] if filters.region else
               list(Region.objects.filter(Exists(scope.rows(AppealFact, period=False)
                                                 .filter(region_id=OuterRef("pk"))))
                    .values_list("pk", flat=True)))
    offered = {dataset.key: ids for dataset, ids in report_datasets(regions)}
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
    rated = offered.get(KEY, [])
    unsplit = replace(filters, subcategory=None, territory=None, channel="",
                      fast_track=None)
    ratings = unsplit.narrow(RatingFact.objects.filter(scope.visible, region_id__in=rated))
    found = grouped(ratings.values("organisation_id", "category_id", "executor_id",
                                   "score", "is_low", "reopened"),
                    {"organisation_id": "r.organisation_id", "category_id": "r.category_id",
                     "executor_id": "r.executor_id"},
                    [("organisation_id",), ("category_id",), ("executor_id",), ()],
                    AGGREGATES) if rated else []
    sets = [[row for row in found if row["set"] == index] for index in range(4)]
    names = names_of(sets)
    tables = [breakdown(rows, names[index], *spec)
              for index, (rows, spec) in enumerate(zip(sets[:3], BREAKDOWNS, strict=True))]
    tables.append(distribution(sets[3]))
    charts = [Chart("distribution", "bar", _("Distribution of scores"), "label",
                    ("ratings",)),
              Chart("by_organisation", "hbar", _("Average score by organisation"), "label",
                    ("average_score",))]
    return ReportResult(tables=tables, charts=charts,
                        notice=" ".join(str(n) for n in notices) or None)


def names_of(sets: list[list[dict]]) -> list[dict]:
    """The names of the organisations, categories and executors of the breakdowns."""
    organisations = dict(Organisation.objects.filter(
        pk__in={row["organisation_id"] for row in sets[0]}).values_list("pk", "name"))
    categories = {c.pk: f"{c.code} {c.name}" for c in Category.objects.filter(
        pk__in={row["category_id"] for row in sets[1]})}
    executors = {
        user.pk: " ".join(filter(None, (user.last_name, user.first_name))) or user.username
        for user in get_user_model().objects.filter(
            pk__in={row["executor_id"] for row in sets[2]}).only(
            "username", "first_name", "last_name")}
    return [organisations, categories, executors]


def summed(row: dict | None) -> dict:
    """The figures of one group of ratings (None: no ratings)."""
    ratings = row["ratings"] if row else 0
    scores = {score: row[f"score_{score}"] if row else 0 for score in SCORES}
    return {
        "ratings": ratings,
        "average_score": round(sum(s * n for s, n in scores.items()) / ratings, 2)
        if ratings else None,
        **{f"score_{score}": count for score, count in scores.items()},
        "low_share": round(row["low"] / ratings, 4) if ratings else None,
        "reopened_share": round(row["reopened"] / ratings, 4) if ratings else None,
    }


def breakdown(rows, names, key, title, label, id_column, link) -> Table:
    total = {"ratings": 0, "low": 0, "reopened": 0,
             **{f"score_{score}": 0 for score in SCORES}}
    for row in rows:
        for figure in total:
            total[figure] += row[figure]
    named = sorted(((names.get(row[id_column], ""), row) for row in rows),
                   key=lambda pair: pair[0])
    table_rows = [{"label": name, **summed(row), "_links": {"label": {link: row[id_column]}}}
                  for name, row in named]
    return Table(key, title, (Column("label", label, TEXT), *COLUMNS[1:]), table_rows,
                 totals={"label": _("Total"), **summed(total)})


def distribution(rows) -> Table:
    total = summed(rows[0] if rows else None)
    table_rows = [{"label": str(score), "ratings": total[f"score_{score}"],
                   "share": round(total[f"score_{score}"] / total["ratings"], 4)
                   if total["ratings"] else None} for score in SCORES]
    return Table("distribution", _("Distribution of scores"),
                 (Column("label", _("Score"), TEXT), Column("ratings", _("Ratings")),
                  Column("share", _("Share"), SHARE)), table_rows)
