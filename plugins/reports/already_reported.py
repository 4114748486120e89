""""Already reported" on the citizen's submission form.

The notice (`submission_form_notices` hook) sits above the send button. When the form
comes back from the server (a refresh or an error) with a subcategory, territory and
address, the list is rendered at once; with JavaScript, `static/reports/already_reported.js`
asks `/already-reported/<region>/` for the same list whenever those fields change. It shows
open messages' numbers, statuses and dates only: nobody's name, text or address. The
citizen may send their message anyway.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from cms.kernel.hookspecs import PagePanel
from cms.kernel.plugins import hookimpl, is_enabled
from cms.models import Region, Subcategory, Territory

from .similar import already_reported

__all__ = ["already_reported_notice", "already_reported_urls"]

PLUGIN_NAME = "reports"
LIST_TEMPLATE = "reports/already_reported_list.html"


def found_for(region: Region, data) -> list:
    """The open messages at the place `data` (a form's or a query's values) names;
    nothing while a field is missing or not one of the region's."""
    subcategory_id, territory_id = data.get("subcategory", ""), data.get("territory", "")
    address = (data.get("address") or "").strip()
    if not (str(subcategory_id).isdigit() and str(territory_id).isdigit() and address):
        return []
    subcategory = Subcategory.objects.filter(pk=subcategory_id).first()
    territory = Territory.objects.filter(pk=territory_id, region=region).first()
    if subcategory is None or territory is None:
        return []
    return already_reported(region, subcategory, territory, address[:500],
                            (data.get("text") or "")[:2000])


@hookimpl(specname="submission_form_notices")
def already_reported_notice(region, form, request) -> list[PagePanel]:
    return [PagePanel(
        title="", template="reports/already_reported_notice.html", order=50,
        context={"endpoint": reverse("already_reported", args=[region.code]),
                 "found": found_for(region, form.data if form.is_bound else form.initial)})]


@require_GET
@login_required
def already_reported_list(request, region_code):
    region = get_object_or_404(Region, code=region_code)
    if not is_enabled(PLUGIN_NAME, region):
        raise Http404
    response = TemplateResponse(request, LIST_TEMPLATE,
                                {"found": found_for(region, request.GET)})
    response["Cache-Control"] = "private, no-store"
    return response


@hookimpl(specname="public_urls")
def already_reported_urls():
    return [path("already-reported/<slug:region_code>/", already_reported_list,
                 name="already_reported")]
