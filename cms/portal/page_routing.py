"""Serving submission pages without Wagtail's per-request site and page-tree queries.

Wagtail's `serve` finds the site (one query), walks the tree from the site's root (three)
and reads the view restrictions of the page and its ancestors (two) on every request.
For a region's submission pages, what those queries answer is kept in a route table per
process, valid while every region's `config_version` is the one it was built at: any
change to a site, a page, a restriction or a region bumps the versions
(`cms.submission.region_cache`), and the table is built again on the next request.
A request reads the regions (one small query) and so gets its page's region too.

Only a live, unrestricted, non-alias submission page, requested at its own path, is
served here; anything else (a plugin's route under the page, a page added since the
table was built, a restricted page) goes to Wagtail's `serve` unchanged. Wagtail's page
hooks run as they do there, except the view-restriction check: the table holds only
pages that no restriction covers.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.http.request import split_domain_port
from wagtail import hooks
from wagtail.models import PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.views import serve as wagtail_serve
from wagtail.views import serve_chain
from wagtail.wagtail_hooks import check_view_restrictions

from cms.models import Region
from cms.models.held_query import HeldQuery

from .models import SubmissionPage


@dataclass
class RouteTable:
    """The submission pages of every region's site, at one set of region versions."""

    versions: tuple[tuple[int, int], ...]
    # (site pk, path below the site's root, "general/") -> (page, region pk)
    pages: dict[tuple[int, str], tuple[SubmissionPage, int]]
    sites: dict[int, Site]
    # (hostname, port) -> site pk, filled as hosts are seen (Wagtail's own matching).
    site_for_host: dict[tuple[str, int], int | None] = field(default_factory=dict)
    _paths: frozenset[str] | None = None

    @property
    def paths(self) -> frozenset[str]:
        if self._paths is None:
            self._paths = frozenset(path for _site, path in self.pages)
        return self._paths


_table: RouteTable | None = None
# Every region by pk: one small read per request, compiled once per connection.
REGIONS = HeldQuery(lambda: Region.objects.order_by("pk"))


def read_regions() -> list[Region]:
    """Every region by pk, as `list(Region.objects.order_by("pk"))` reads them."""
    return REGIONS()


def _current_table(regions: list[Region] | None = None) -> RouteTable:
    """The table at the regions' current versions (read now unless given)."""
    global _table
    if regions is None:
        regions = read_regions()
    versions = tuple((region.pk, region.config_version) for region in regions)
    if _table is None or _table.versions != versions:
        _table = _build(regions)
    return _table


def _build(regions: list[Region]) -> RouteTable:
    sites = {site.pk: site for site in Site.objects.select_related("root_page")}
    region_of_site = {region.site_id: region.pk for region in regions if region.site_id}
    restricted = set(PageViewRestriction.objects.values_list("page__path", flat=True))
    pages = {}
    for site_pk, region_pk in region_of_site.items():
        site = sites.get(site_pk)
        if site is None:
            continue
        root = site.root_page
        for page in SubmissionPage.objects.live().descendant_of(root, inclusive=False):
            steps = range(page.steplen, len(page.path) + 1, page.steplen)
            if page.alias_of_id or any(page.path[:end] in restricted for end in steps):
                continue
            below_root = page.url_path[len(root.url_path):]
            pages[site_pk, below_root] = (page, region_pk)
    versions = tuple((region.pk, region.config_version) for region in regions)
    return RouteTable(versions=versions, pages=pages, sites=sites)


def _site_pk(table: RouteTable, request) -> int | None:
    hostname = split_domain_port(request._get_raw_host())[0]
    key = (hostname, request.get_port())
    if key not in table.site_for_host:
        try:
            table.site_for_host[key] = get_site_for_hostname(*key).pk
        except Site.DoesNotExist:
            table.site_for_host[key] = None
    return table.site_for_host[key]


def find(request, path: str) -> tuple[SubmissionPage, Region, Site] | None:
    """The submission page at `path` of the request's site, a copy for this request,
    with its region (read now, so current) and site; None when Wagtail should serve."""
    regions = read_regions()
    table = _current_table(regions)
    site_pk = _site_pk(table, request)
    found = table.pages.get((site_pk, path))
    if found is None:
        return None
    page, region_pk = found
    region = next(region for region in regions if region.pk == region_pk)
    # The table's page is shared by the requests of this process: each gets a copy.
    page = copy.copy(page)
    page.__dict__["region"] = region
    return page, region, table.sites[site_pk]


def clear() -> None:
    global _table
    _table = None


class SubmissionPathConverter:
    """Matches the paths of the submission pages in the table last built (built on the
    first request of the process), so that every other path goes on to the plugins'
    URLs and Wagtail's pages as before. The view checks the versions: an entry gone
    stale only sends it to Wagtail's `serve`."""

    regex = r"(?:[-\w]+/)+"

    def to_python(self, value: str) -> str:
        table = _table or _current_table()
        if value not in table.paths:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


def serve(request, path: str) -> HttpResponse:
    """Wagtail's `serve` for a submission page, from the route table."""
    found = find(request, path)
    if found is None:
        return wagtail_serve(request, path)
    page, _region, site = found
    request._wagtail_site = site
    # What `RoutablePageMixin.route` answers for the page's own path.
    resolver_match = page.resolve_subpage("/")
    request.routable_resolver_match = resolver_match
    args, kwargs = tuple(resolver_match), {}
    chain = serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        if hook is not check_view_restrictions:
            chain = hook(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)
