"""The national view ("Regions"): every region side by side, for national operators.

Per region: its messages and those overdue now, and its deadline compliance over a
period (answered on time, late, the share on time). The figures are the region views'
own, grouped by region instead of asked region by region, so the page costs the same
number of queries for two regions or eighty:

- messages and overdue now: the core's lists, the curators' "All messages of the
  region" queue (`Queue.queryset`, the permission policy's answer for this user) counted
  as the dashboard counts a queue (`dashboard.overdue_q`): one query;
- compliance: the reports plugin's deadline report (`plugins.reports.deadlines`: its
  `FIGURES` over the facts of the user's report scope, its `as_row` for the share), for
  the period's local days of each region: one query. Where the plugin is off (or not
  installed) the region shows no compliance, and the page says it needs the plugin.

Each figure links to the region's list behind it (the queues, or the reports' report and
message list), filtered to that region. Who sees the page: national operators and
superusers (`policy.is_national_operator`); it is read only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from cms import regiontime
from cms.kernel.plugins import is_enabled, plugin_names
from cms.models import Region
from cms.models.appeals import RUNNING_STATUSES
from cms.permissions.policy import is_national_operator

from . import shell
from .core_queues import overdue_q
from .queues import registered_queues

REPORTS_PLUGIN = "reports"
DEFAULT_DAYS = 30
# The curators' list of a whole region: what "messages" counts and opens.
REGION_QUEUE, OVERDUE_QUEUE = "region", "overdue"


@dataclass
class RegionFigures:
    region: Region
    messages: int = 0
    overdue: int = 0
    # None: the reports plugin is off for the region (no compliance to show).
    compliance: dict | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def share_text(self) -> str:
        share = (self.compliance or {}).get("on_time_share")
        return "" if share is None else f"{number_format(share * 100, 1)} %"


def period(params, today: date) -> tuple[date, date]:
    """The period's first and last local days (GET `since`, `until`; the last 30 days)."""
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(params.get(name, ""))
        except ValueError:
            return None

    until = day("until") or today
    since = day("since") or until - timedelta(days=DEFAULT_DAYS - 1)
    return (since, until) if since <= until else (until, since)


def _queue(key: str):
    return next(queue for queue in registered_queues() if queue.key == key)


def core_figures(user, region_ids: list[int], now) -> dict[int, dict]:
    """Messages and overdue now per region: the region queue's messages for `user`,
    counted as the dashboard counts (one query)."""
    rows = (_queue(REGION_QUEUE).queryset(user).filter(region_id__in=region_ids)
            .order_by().values("region_id")
            .annotate(messages=Count("pk"), overdue=Count("pk", filter=overdue_q(now))))
    return {row["region_id"]: row for row in rows}


def compliance_figures(user, region_ids: list[int], since: date, until: date, now
                       ) -> dict[int, dict]:
    """The deadline report's totals per region over the period's local days (one query:
    the report's own aggregates over the facts in the user's report scope)."""
    if not region_ids:
        return {}
    from plugins.reports import deadlines
    from plugins.reports.facts import grouped
    from plugins.reports.filters import ReportFilters, report_scope
    from plugins.reports.models import AppealFact

    scope = report_scope(user, ReportFilters(since=since, until=until))
    # `created_day` is the registration day on the region's own clock: the region's
    # report over these dates counts the same messages.
    facts = (scope.rows(AppealFact, period=False)
             .filter(region_id__in=region_ids, created_day__gte=since,
                     created_day__lte=until)
             .values("region_id", *deadlines.FACT_COLUMNS))
    found = grouped(facts, {"region_id": "r.region_id"}, [("region_id",)],
                    deadlines.FIGURES, (list(RUNNING_STATUSES), now))
    return {row["region_id"]: deadlines.as_row({**row, "loss": None}, {})
            for row in found}


def _url(base: str, **query) -> str:
    return f"{base}?{urlencode(query)}"


def region_links(region: Region, since: date, until: date, compliance: bool
                 ) -> dict[str, str]:
    queues = f"{reverse('wagtailadmin_home')}queues/"
    links = {"messages": _url(f"{queues}{REGION_QUEUE}/", region=region.pk),
             "overdue": _url(f"{queues}{OVERDUE_QUEUE}/", region=region.pk)}
    if compliance:
        filters = {"region": region.pk, "since": since.isoformat(),
                   "until": until.isoformat()}
        messages = reverse("reports_admin:messages")
        links.update(
            received=_url(messages, **filters),
            deadlines=_url(reverse("reports_admin:report", args=["deadlines"]), **filters),
            on_time=_url(messages, **filters, measure="on_time"),
            late=_url(messages, **filters, measure="late"))
    return links


def rollup(user, since: date, until: date, now=None) -> list[RegionFigures]:
    """Every region's figures, in name order (three queries whatever their number)."""
    now = now or timezone.now()
    regions = list(Region.objects.order_by("name"))
    installed = REPORTS_PLUGIN in plugin_names()
    reporting = [region.pk for region in regions
                 if installed and is_enabled(REPORTS_PLUGIN, region)]
    core = core_figures(user, [region.pk for region in regions], now)
    compliance = compliance_figures(user, reporting, since, until, now)
    out = []
    for region in regions:
        counted = core.get(region.pk, {})
        reports_on = region.pk in reporting
        out.append(RegionFigures(
            region=region, messages=counted.get("messages", 0),
            overdue=counted.get("overdue", 0),
            compliance=(compliance.get(region.pk) or deadlines_empty()) if reports_on
            else None,
            links=region_links(region, since, until, reports_on)))
    return out


def deadlines_empty() -> dict:
    return {"received": 0, "answered": 0, "on_time": 0, "late": 0,
            "on_time_share": None}


def national_view(request):
    shell.prime(request.user)
    if not is_national_operator(request.user):
        raise PermissionDenied
    since, until = period(request.GET, regiontime.today(regiontime.staff_zone(request.user)))
    rows = rollup(request.user, since, until)
    facts_at = None
    if any(row.compliance is not None for row in rows):
        from plugins.reports.facts import refreshed_at

        facts_at = refreshed_at()  # the deadline report says the same of its figures
    return TemplateResponse(request, "staff_admin/national/rollup.html", {
        "facts_at": facts_at,
        "page_title": _("Regions"),
        "rows": rows,
        "since": since,
        "until": until,
        "without_reports": [row.region for row in rows if row.compliance is None],
    })


def national_urls():
    return [path("national/", national_view, name="pos_national")]


class NationalMenuItem(MenuItem):
    """Shown to national operators (and superusers)."""

    def is_shown(self, request):
        return is_national_operator(request.user)


def national_menu_item() -> NationalMenuItem:
    return NationalMenuItem(_("Regions"), reverse_lazy("pos_national"), name="national",
                            icon_name="site", order=205)
