"""The "Reports" section of the admin: the list of reports, a report with its charts and
tables, its exports, and the messages behind a figure.

Who may open them: the reporting roles (`filters.may_see_reports`); what they count: the
messages the permission policy lets the user see (`filters.report_scope`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from . import charts, exports
from .drilldown import drilldown_q
from .facts import refreshed_at
from .filters import ReportFiltersForm, may_see_reports, report_scope, scoped_appeals
from .formatting import display
from .registry import REPORTS, get_report

PAGE_SIZE = 50
DRILLDOWN_KEYS = ("org", "cat", "sub", "ter", "chan", "status", "executor", "address",
                  "measure", "day", "bucket", "ids")


def _allowed(request) -> None:
    if not may_see_reports(request.user):
        raise PermissionDenied


def _report_or_404(key: str):
    try:
        return get_report(key)
    except KeyError:
        raise Http404 from None


def _filters(request):
    form = ReportFiltersForm(request.GET, user=request.user)
    return form, form.filters()


@require_GET
def index(request):
    _allowed(request)
    _form, filters = _filters(request)
    query = urlencode(filters.as_query())
    return render(request, "reports/admin/index.html", {
        "reports": [(report, f'{reverse("reports_admin:report", args=[report.key])}?{query}')
                    for report in REPORTS],
        "page_title": _("Reports"),
    })


@require_GET
def report_view(request, key: str):
    _allowed(request)
    report = _report_or_404(key)
    form, filters = _filters(request)
    result = report.compute(filters, report_scope(request.user, filters))
    base_query = filters.as_query()
    messages_url = reverse("reports_admin:messages")
    charted = {chart.table: chart for chart in result.charts}
    sections = []
    for table in result.tables:
        chart = charted.get(table.key)
        sections.append({
            "table": table,
            "svg": charts.render(chart, table) if chart and table.rows else None,
            "rows": [cells(row, table, base_query, messages_url) for row in table.rows],
            "totals": cells(table.totals, table, base_query, messages_url)
            if table.totals else None,
        })
    export_query = urlencode(base_query)
    return render(request, "reports/admin/report.html", {
        "report": report, "reports": REPORTS, "form": form, "filters": filters,
        "result": result, "sections": sections, "page_title": report.title,
        # The figures are the facts' as of their last refresh: the page says when.
        "facts_at": facts_time(refreshed_at(), filters.tzinfo),
        "csv_url": f'{reverse("reports_admin:export", args=[key, "csv"])}?{export_query}',
        "xlsx_url": f'{reverse("reports_admin:export", args=[key, "xlsx"])}?{export_query}',
    })


def facts_time(moment, zone) -> str | None:
    """When the facts were refreshed, on the report's clock: the time of day when it is
    today there, else the date too."""
    if moment is None:
        return None
    local, today = timezone.localtime(moment, zone), timezone.localtime(timezone.now(), zone)
    return f"{local:%H:%M}" if local.date() == today.date() else f"{local:%d.%m.%Y %H:%M}"


def cells(row: dict, table, base_query: dict, messages_url: str) -> list[dict]:
    """A row as the page shows it: each cell's text and, for a figure, its messages."""
    links = row.get("_links", {})
    out = []
    for column in table.columns:
        text = display(row.get(column.key), column.kind)
        link = links.get(column.key)
        url = (f"{messages_url}?{urlencode({**base_query, **link})}"
               if link is not None else None)
        out.append({"text": text, "url": url, "numeric": column.kind not in ("text", "date")})
    return out


@require_GET
def export(request, key: str, fmt: str):
    _allowed(request)
    report = _report_or_404(key)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, filters = _filters(request)
    result = report.compute(filters, report_scope(request.user, filters))
    return exports.response(report, filters, result, fmt)


@require_GET
def messages(request):
    """The messages behind a figure: the report's filters and the figure's conditions."""
    _allowed(request)
    form, filters = _filters(request)
    appeals = (scoped_appeals(request.user, filters)
               .filter(drilldown_q(request.GET, timezone.now(), filters.zone))
               .select_related("region", "organisation", "subcategory", "territory")
               .order_by("-created_at", "-pk"))
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("p"))
    keep = {key: value for key, value in request.GET.items() if key != "p"}
    count = page.paginator.count
    return render(request, "reports/admin/messages.html", {
        "page": page, "filters": filters, "form": form,
        "count_text": ngettext("%(n)s message", "%(n)s messages", count) % {"n": count},
        "page_query": urlencode(keep), "page_title": _("Messages behind the figure"),
        "zone": filters.tzinfo,
    })
