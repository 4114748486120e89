"""The "Region readiness" admin page: what a region still lacks before it goes live.

The list itself is `cms.regionconfig.readiness.region_readiness` (the same as `manage.py
region_readiness`); this only shows it. Who sees a region's page: those who configure it
(its content editors, the superuser: `configurable_regions`) and its curators, who answer
for its messages. Any other region is a 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from cms.permissions.policy import overseen_regions, oversees_any_region
from cms.regionconfig.readiness import region_readiness


def choose_region(request):
    """The user's regions to choose from; straight to the region if there is one."""
    regions = list(overseen_regions(request.user).distinct().order_by("name"))
    if not regions:
        raise Http404
    if len(regions) == 1:
        return redirect("region_readiness_detail", region_id=regions[0].pk)
    return TemplateResponse(request, "staff_admin/region_readiness_choose.html",
                            {"regions": regions})


def region_readiness_page(request, region_id: int):
    region = get_object_or_404(overseen_regions(request.user).distinct(), pk=region_id)
    return TemplateResponse(request, "staff_admin/region_readiness.html", {
        "region": region,
        "readiness": region_readiness(region),
    })


def readiness_urls():
    return [
        path("region-readiness/", choose_region, name="region_readiness"),
        path("region-readiness/<int:region_id>/", region_readiness_page,
             name="region_readiness_detail"),
    ]


class ReadinessMenuItem(MenuItem):
    """Shown to those who may read at least one region's readiness."""

    def is_shown(self, request):
        return oversees_any_region(request.user)


def readiness_menu_item() -> ReadinessMenuItem:
    return ReadinessMenuItem(_("Region readiness"), reverse_lazy("region_readiness"),
                                name="region-readiness", icon_name="tasks", order=306)
