"""The open-data pages (`public_urls`) and their link on the portal home
(`portal_home_links`): /open-data/<region>/ (HTML, one month at a time), data.json and
data.csv (every month). Public, cacheable for an hour, 404 where the plugin is off."""

from __future__ import annotations

import csv
import io
import json

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cms.kernel.hookspecs import PortalLink
from cms.kernel.plugins import hookimpl, is_enabled
from cms.models import Region
from cms.portal.security import strict_csp

from .facts import refreshed_at
from .open_data import LICENCE, SUPPRESSED, OpenData, compute, schema

__all__ = ["open_data_link", "open_data_urls"]

PLUGIN_NAME = "reports"
CACHE = "public, max-age=3600"


def region_or_404(code: str) -> Region:
    region = get_object_or_404(Region, code=code)
    if not is_enabled(PLUGIN_NAME, region):
        raise Http404
    return region


def licence_line(region: Region) -> str:
    return _("Licence: %(licence)s. Source: %(region)s, feedback platform.") % {
        "licence": LICENCE["title"], "region": region.name}


@require_GET
def open_data_page(request, region_code):
    region = region_or_404(region_code)
    data = compute(region)
    month = request.GET.get("month", "")
    if month not in data.months:
        month = data.months[-1]
    response = TemplateResponse(request, "reports/open_data.html", {
        "region": region, "data": data, "month": month,
        "rows": [row for row in data.rows if row["month"] == month],
        "fields": [f for f in data.fields if f.name != "month"],
        "licence": LICENCE, "licence_line": licence_line(region),
        "suppressed": SUPPRESSED,
    })
    response["Cache-Control"] = CACHE
    return strict_csp(response)


def as_document(request, data: OpenData) -> dict:
    region = data.region
    return {
        "title": _("Messages of %(region)s: open data") % {"region": region.name},
        "region": region.code,
        "months": data.months,
        "generated_at": data.generated_at.isoformat(),
        "licence": {**LICENCE, "attribution": licence_line(region)},
        "documentation": request.build_absolute_uri(
            reverse("open_data", args=[region.code])),
        "schema": schema(data),
        "data": data.rows,
    }


def published(request, region: Region, kind: str, render) -> bytes:
    """The document's bytes, made once per refresh of the figures: they change only when
    the facts do (or the region's settings, or the reader's language and host). Serialising
    a year of cells costs as much as computing them."""
    facts_at = refreshed_at()
    key = ":".join(str(part) for part in (
        "open-data", kind, region.pk, region.config_version,
        facts_at.timestamp() if facts_at else "never", get_language(), request.get_host(),
        ",".join(sorted(region.disabled_plugins or []))))
    body = cache.get(key)
    if body is None:
        body = render(compute(region))
        cache.set(key, body, 3600)
    return body


@require_GET
def open_data_json(request, region_code):
    region = region_or_404(region_code)

    def render(data):
        # Not indented: the json module's C encoder runs only without an indent.
        return json.dumps(as_document(request, data), cls=DjangoJSONEncoder,
                          ensure_ascii=False).encode()

    response = HttpResponse(published(request, region, "json", render),
                            content_type="application/json")
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_GET
def open_data_csv(request, region_code):
    region = region_or_404(region_code)

    def render(data):
        names = [f.name for f in data.fields]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(names)
        for row in data.rows:
            writer.writerow(["" if row[name] is None else row[name] for name in names])
        return ("\ufeff" + out.getvalue()).encode()

    response = HttpResponse(published(request, region, "csv", render),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="open-data-{region.code}.csv"'
    response["Cache-Control"] = CACHE
    response["Link"] = f'<{LICENCE["path"]}>; rel="license"'
    return response


@hookimpl(specname="public_urls")
def open_data_urls():
    return [
        path("open-data/<slug:region_code>/", open_data_page, name="open_data"),
        path("open-data/<slug:region_code>/data.json", open_data_json, name="open_data_json"),
        path("open-data/<slug:region_code>/data.csv", open_data_csv, name="open_data_csv"),
    ]


@hookimpl(specname="portal_home_links")
def open_data_link(region, request):
    return [PortalLink(label=gettext_lazy("Open data"),
                       url=reverse("open_data", args=[region.code]),
                       description=gettext_lazy("Figures on messages by month: volumes, "
                                                "deadlines kept, citizens' ratings."))]


