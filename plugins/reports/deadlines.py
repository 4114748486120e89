"""The deadline compliance report, per organisation (definitions: `measures`).

It reads the messages' facts (plugins.reports.facts), where each message's first answer,
whether it was on time, its working days to answer (the region's calendar), redirects,
time lost and postponement were computed once. Three queries whatever the number of
messages: one aggregate per organisation with the totals (GROUPING SETS, percentiles
included), the organisations' names, and the previous period's on-time shares (the
ranking's change). PostgreSQL only.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import Organisation
from cms.models.appeals import RUNNING_STATUSES

from . import cube
from .facts import grouped
from .filters import ReportFilters, ReportScope
from .models import AppealFact, MonthFigures
from .results import DAYS, SHARE, TEXT, Chart, Column, ReportResult, Table

COLUMNS = (
    Column("organisation", _("Organisation"), TEXT),
    Column("received", _("Received")),
    Column("answered", _("Answered")),
    Column("on_time", _("Answered on time")),
    Column("late", _("Answered late")),
    Column("overdue", _("Overdue now")),
    Column("postponed", _("Postponed")),
    Column("on_time_share", _("Share on time"), SHARE),
    Column("median_days", _("Median time to answer, working days"), DAYS),
    Column("p90_days", _("90th percentile time to answer, working days"), DAYS),
    Column("redirects_per_message", _("Redirects per message"), "decimal"),
    Column("redirect_loss_days", _("Time lost in redirects per redirected message, days"),
           DAYS),
)
RANKING = (
    Column("rank", _("Place")),
    Column("organisation", _("Organisation"), TEXT),
    Column("on_time_share", _("Share on time"), SHARE),
    Column("previous_share", _("Share on time, previous period"), SHARE),
    Column("change", _("Change, percentage points"), "signed"),
)
LINKED = {"received": None, "answered": "answered", "on_time": "on_time", "late": "late",
          "overdue": "overdue", "postponed": "postponed",
          "redirects_per_message": "redirected", "redirect_loss_days": "redirected"}
# The totals of no messages at all.
EMPTY = {"received": 0, "answered": 0, "on_time": 0, "late": 0, "overdue": 0,
         "postponed": 0, "redirect_sum": None, "loss": None, "median": None, "p90": None}


def compute(filters: ReportFilters, scope: ReportScope) -> ReportResult:
    now = timezone.now()
    months = cube.whole_months(filters.since, filters.until) if cube.usable(
        filters, scope) else None
    if months is None:
        found, total = from_facts(scope.rows(AppealFact), now)
    else:
        found, total = from_months(filters, scope, months, now)
    names = dict(Organisation.objects.filter(pk__in={row["organisation_id"] for row in found})
                 .values_list("pk", "name"))
    per_org = sorted(({**row, "organisation__name": names.get(row["organisation_id"], "")}
                      for row in found), key=lambda row: row["organisation__name"])
    rows = [as_row(row, {"org": row["organisation_id"]}) for row in per_org]
    total = as_row(total, {})
    total["organisation"] = _("Total")

    previous = previous_shares(filters, scope)
    ranked = sorted((row for row in rows if row["answered"]),
                    key=lambda row: (-row["on_time_share"], row["organisation"]))
    ranking = []
    for place, row in enumerate(ranked, start=1):
        before = previous.get(row["_org"])
        ranking.append({
            "rank": place, "organisation": row["organisation"],
            "on_time_share": row["on_time_share"], "previous_share": before,
            "change": None if before is None else
            round((row["on_time_share"] - before) * 100, 1),
            "_links": {"on_time_share": {"org": row["_org"], "measure": "on_time"}},
        })
    return ReportResult(
        tables=[Table("by_organisation", _("Deadlines by organisation"), COLUMNS, rows,
                      totals=total),
                Table("ranking", _("Ranking of organisations by share answered on time"),
                      RANKING, ranking)],
        charts=[Chart("by_organisation", "stacked", _("Answers and overdue messages"),
                      "organisation", ("on_time", "late", "overdue")),
                Chart("ranking", "hbar", _("Share answered on time"), "organisation",
                      ("on_time_share",))],
    )


FIGURES = {
    "received": "count(*)",
    "answered": "count(*) FILTER (WHERE r.answered_at IS NOT NULL)",
    "on_time": "count(*) FILTER (WHERE r.on_time)",
    "late": "count(*) FILTER (WHERE NOT r.on_time)",
    "overdue": "count(*) FILTER (WHERE r.status = ANY(%s) AND r.deadline < %s)",
    "postponed": "count(*) FILTER (WHERE r.postponed)",
    "redirect_sum": "sum(r.redirects)",
    "loss_sum": "sum(r.loss_hours) FILTER (WHERE r.redirects > 0)",
    "loss_n": "count(r.loss_hours) FILTER (WHERE r.redirects > 0)",
}
FACT_COLUMNS = ("organisation_id", "answered_at", "on_time", "status", "deadline",
                "postponed", "redirects", "loss_hours", "working_days")


def from_facts(facts, now) -> tuple[list[dict], dict]:
    """Per organisation and in total, from the facts of the whole period (one query,
    GROUPING SETS, PostgreSQL's own percentiles)."""
    found = grouped(facts.values(*FACT_COLUMNS), {"organisation_id": "r.organisation_id"},
                    [("organisation_id",), ()], {
                        **FIGURES,
                        "median": "percentile_cont(0.5) WITHIN GROUP "
                                  "(ORDER BY r.working_days)",
                        "p90": "percentile_cont(0.9) WITHIN GROUP (ORDER BY r.working_days)",
                    }, (list(RUNNING_STATUSES), now))
    for row in found:
        row["loss"] = row["loss_sum"] / row["loss_n"] if row["loss_n"] else None
    total = next((row for row in found if row["set"] == 1), None) or EMPTY
    return [row for row in found if row["set"] == 0], total


def from_months(filters: ReportFilters, scope: ReportScope, months, now
                ) -> tuple[list[dict], dict]:
    """The same figures from the monthly figures of the period's whole months, the facts
    of the days at its edges, and the facts of its running messages (overdue now); the
    percentiles from the merged histograms of working days."""
    sums: dict[int, Counter] = defaultdict(Counter)
    days: dict[int, Counter] = defaultdict(Counter)
    if (rest := cube.edges_q(filters, months)) is not None:
        for row in grouped(cube.edge_facts(scope, rest).values(*FACT_COLUMNS),
                           {"organisation_id": "r.organisation_id",
                            "working_days": "r.working_days"},
                           [("organisation_id",), ("organisation_id", "working_days")],
                           FIGURES, (list(RUNNING_STATUSES), now)):
            if row["set"] == 0:
                sums[row["organisation_id"]].update(
                    {key: row[key] or 0 for key in FIGURES if key != "overdue"})
            elif row["working_days"] is not None:
                days[row["organisation_id"]][row["working_days"]] += row["answered"]
    for row in grouped(
            cube.month_rows(filters, scope, months, (MonthFigures.STATUS, MonthFigures.DAYS))
            .values("kind", "key", "organisation_id", "messages", "answered", "on_time",
                    "postponed", "redirects", "redirected", "loss_hours"),
            {"kind": "r.kind", "organisation_id": "r.organisation_id", "key": "r.key"},
            [("kind", "organisation_id"), ("kind", "organisation_id", "key")], {
                "received": "sum(r.messages)", "answered": "sum(r.answered)",
                "on_time": "sum(r.on_time)", "postponed": "sum(r.postponed)",
                "redirect_sum": "sum(r.redirects)", "loss_n": "sum(r.redirected)",
                "loss_sum": "sum(r.loss_hours)"}):
        org = row["organisation_id"]
        if row["set"] == 0 and row["kind"] == MonthFigures.STATUS:
            sums[org].update({key: row[key] or 0 for key in (
                "received", "answered", "on_time", "postponed", "redirect_sum", "loss_n",
                "loss_sum")})
        elif row["set"] == 1 and row["kind"] == MonthFigures.DAYS:
            days[org][int(row["key"])] += row["received"]
    overdue = dict(scope.rows(AppealFact).filter(status__in=RUNNING_STATUSES, deadline__lt=now)
                   .order_by().values("organisation_id").annotate(n=Count("pk"))
                   .values_list("organisation_id", "n"))
    found = [figures(sums[org], days[org], overdue.get(org, 0), organisation_id=org)
             for org in sums]
    total_days: Counter = Counter()
    for histogram in days.values():
        total_days.update(histogram)
    total = figures(sum(sums.values(), Counter()), total_days, sum(overdue.values()))
    return found, total


def figures(sums: Counter, days: Counter, overdue: int, **extra) -> dict:
    return {**extra, "received": sums["received"], "answered": sums["answered"],
            "on_time": sums["on_time"], "late": sums["answered"] - sums["on_time"],
            "overdue": overdue, "postponed": sums["postponed"],
            "redirect_sum": sums["redirect_sum"],
            "loss": sums["loss_sum"] / sums["loss_n"] if sums["loss_n"] else None,
            "median": cube.percentile(days, 0.5), "p90": cube.percentile(days, 0.9)}


def as_row(row: dict, link: dict) -> dict:
    received, answered = row["received"] or 0, row["answered"] or 0
    out = {
        "_org": row.get("organisation_id"),
        "organisation": row.get("organisation__name", ""),
        "received": received, "answered": answered, "on_time": row["on_time"],
        "late": row["late"], "overdue": row["overdue"], "postponed": row["postponed"],
        "on_time_share": round(row["on_time"] / answered, 4) if answered else None,
        "median_days": row.get("median"), "p90_days": row.get("p90"),
        "redirects_per_message": round((row["redirect_sum"] or 0) / received, 2)
        if received else None,
        "redirect_loss_days": None if row["loss"] is None else
        round(row["loss"] / 24, 1),
    }
    out["_links"] = {column: {**link, **({"measure": measure} if measure else {})}
                     for column, measure in LINKED.items()}
    return out


def previous_shares(filters: ReportFilters, scope: ReportScope) -> dict[int, float]:
    """Each organisation's share answered on time over the previous period."""
    earlier = filters.previous()
    months = cube.whole_months(earlier.since, earlier.until) if cube.usable(
        filters, scope) else None
    counts: dict[int, Counter] = defaultdict(Counter)
    if (rest := cube.edges_q(earlier, months)) is not None:
        for row in (scope.rows(AppealFact, period=False).filter(rest).order_by()
                    .values("organisation_id")
                    .annotate(answered=Count("pk", filter=Q(answered_at__isnull=False)),
                              on_time=Count("pk", filter=Q(on_time=True)))):
            counts[row["organisation_id"]].update(answered=row["answered"],
                                                  on_time=row["on_time"])
    if months is not None:
        for row in (cube.month_rows(earlier, scope, months, (MonthFigures.STATUS,))
                    .order_by().values("organisation_id")
                    .annotate(answered=Sum("answered"), on_time=Sum("on_time"))):
            counts[row["organisation_id"]].update(answered=row["answered"],
                                                  on_time=row["on_time"])
    return {org: round(row["on_time"] / row["answered"], 4)
            for org, row in counts.items() if row["answered"]}
