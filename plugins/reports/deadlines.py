"""The deadline compliance report, per organisation (definitions: `measures`).

Queries, whatever the number of messages: the regions in scope and their calendars (the
`region_working_days` hook, a few per region), one aggregate per organisation with the
totals (GROUPING SETS, PostgreSQL; the ORM's two queries elsewhere, without the
percentiles), and one for the previous period's on-time shares (the ranking's change).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import Appeal, Region
from cms.models.appeals import RUNNING_STATUSES

from . import measures
from .filters import ReportFilters
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


def compute(filters: ReportFilters, appeals: QuerySet[Appeal]) -> ReportResult:
    now = timezone.now()
    received = appeals.filter(filters.period_q())
    annotated = received.annotate(answered_at=measures.first_answer_at(),
                                  redirects=measures.redirect_count(),
                                  loss_hours=measures.redirect_loss_hours(),
                                  was_postponed=measures.postponed())
    if measures.computes_percentiles():
        regions = ([filters.region] if filters.region else
                   list(Region.objects.filter(Exists(received.filter(region_id=OuterRef("pk"))))))
        numbers = measures.working_day_numbers(
            regions, filters.since, max(filters.until, now.astimezone(filters.tzinfo).date()))
        per_org, total = grouped_in_postgresql(annotated, numbers, now)
    else:
        figures = figures_of(now)
        per_org = (annotated.order_by().values("organisation_id", "organisation__name")
                   .annotate(**figures).order_by("organisation__name"))
        total = annotated.order_by().aggregate(**figures)
    rows = [as_row(row, {"org": row["organisation_id"]}) for row in per_org]
    total = as_row(total, {})
    total["organisation"] = _("Total")

    previous = previous_shares(filters, appeals)
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


def grouped_in_postgresql(annotated: QuerySet[Appeal], numbers: str, now
                          ) -> tuple[list[dict], dict]:
    """Per organisation and in total (GROUPING SETS), in one query. Each message's
    values (its first answer, redirects, ...) come from a derived table, so each
    correlated subquery runs once per message: the ORM would repeat it inside every
    aggregate that reads it."""
    inner = annotated.order_by().values(
        org=F("organisation_id"), org_name=F("organisation__name"), due=F("deadline"),
        state=F("status"), registered=F("created_at"), region_pk=F("region_id"),
        zone=F("region__time_zone"), answered=F("answered_at"), redirect_n=F("redirects"),
        loss_h=F("loss_hours"), is_postponed=F("was_postponed"))
    inner_sql, inner_params = inner.query.sql_with_params()

    def number(moment: str) -> str:
        return (f"(%s::jsonb ->> (m.region_pk::text || ':' || "
                f"((m.{moment} AT TIME ZONE m.zone)::date)::text))::int")

    sql = f"""
        SELECT org AS organisation_id, org_name AS organisation__name,
               GROUPING(org, org_name) AS is_total,
               COUNT(*) AS received,
               COUNT(*) FILTER (WHERE answered IS NOT NULL) AS answered,
               COUNT(*) FILTER (WHERE answered IS NOT NULL
                                AND (due IS NULL OR answered <= due)) AS on_time,
               COUNT(*) FILTER (WHERE answered > due) AS late,
               COUNT(*) FILTER (WHERE state = ANY(%s) AND due < %s) AS overdue,
               COUNT(*) FILTER (WHERE is_postponed) AS postponed,
               SUM(redirect_n) AS redirect_sum,
               AVG(loss_h) FILTER (WHERE redirect_n > 0) AS loss,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY wd) AS median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY wd) AS p90
        FROM (SELECT m.*, {number("answered")} - {number("registered")} AS wd
              FROM ({inner_sql}) m) t
        GROUP BY GROUPING SETS ((org, org_name), ())
    """
    params = [list(RUNNING_STATUSES), now, numbers, numbers, *inner_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    per_org = sorted((row for row in found if not row["is_total"]),
                     key=lambda row: row["organisation__name"] or "")
    total = next(row for row in found if row["is_total"])
    return per_org, total


def figures_of(now) -> dict:
    answered = Q(answered_at__isnull=False)
    return {
        "received": Count("pk"),
        "answered": Count("pk", filter=answered),
        "on_time": Count("pk", filter=answered & (Q(deadline__isnull=True)
                                                  | Q(answered_at__lte=F("deadline")))),
        "late": Count("pk", filter=answered & Q(answered_at__gt=F("deadline"))),
        "overdue": Count("pk", filter=Q(status__in=RUNNING_STATUSES, deadline__lt=now)),
        "postponed": Count("pk", filter=Q(was_postponed=True)),
        "redirect_sum": Sum("redirects"),
        "loss": Avg("loss_hours", filter=Q(redirects__gt=0)),
    }


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


def previous_shares(filters: ReportFilters, appeals) -> dict[int, float]:
    """Each organisation's share answered on time over the previous period."""
    earlier = (appeals.filter(filters.previous().period_q())
               .annotate(answered_at=measures.first_answer_at())
               .order_by().values("organisation_id")
               .annotate(answered=Count("pk", filter=Q(answered_at__isnull=False)),
                         on_time=Count("pk", filter=Q(answered_at__isnull=False) & (
                             Q(deadline__isnull=True) | Q(answered_at__lte=F("deadline"))))))
    return {row["organisation_id"]: round(row["on_time"] / row["answered"], 4)
            for row in earlier if row["answered"]}
