"""Region go-live readiness: the checks, the admin page and `manage.py region_readiness`."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cms.kernel import hookspecs
from cms.kernel.plugins import get_plugin_manager
from cms.models import Category, Organisation, Region, Role, Subcategory
from cms.permissions.grants import grant_role
from cms.regionconfig.readiness import region_readiness
from plugins.fasttrack.models import FastTrack
from plugins.routing.models import RoutingRule
from tests import factories
from tests.workflow.builders import demo_staff, fresh

ITEM = re.compile(r'<li data-readiness-check="([\w-]+)">(.*?) <a href="([^"]+)">', re.DOTALL)


def page_url(region) -> str:
    return reverse("region_readiness_detail", args=(region.pk,))


def run_command(code) -> tuple[str, CommandError | None]:
    """The command's output in English: its messages are checked word for word (the Russian
    catalogue is compiled by the lead at the end of the session)."""
    out = io.StringIO()
    try:
        with translation.override("en"):
            call_command("region_readiness", code, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def bare_region(organisations: int = 1, code: str = "bare") -> Region:
    """A region made incomplete on purpose: no default moderating organisation, no staff,
    widget hosts never used, one routing rule (roads only), a fast track switched off."""
    region = Region.objects.create(code=code, name="Неготовая область",
                                   time_zone="Asia/Yekaterinburg")
    for number in range(organisations):
        Organisation.objects.create(region=region, code=f"org-{number}",
                                    name=f"Организация {number:02d}", kind="roiv",
                                    website_domains=[f"org-{number}.example"])
    first = Organisation.objects.get(region=region, code="org-0")
    RoutingRule.objects.create(region=region, code="roads", organisation=first,
                               category=Category.objects.get(code="01"))
    FastTrack.objects.create(region=region, subcategory=Subcategory.objects.get(code="03.02"),
                             term=2, is_active=False)
    return region


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    return client


def test_hook_region_readiness_checks(demo):
    """Declared with its documentation; routing and fast tracks answer it for a region."""
    assert hookspecs.region_readiness_checks.__doc__
    pm = get_plugin_manager()
    implementers = {impl.plugin_name
                    for impl in pm.hook.region_readiness_checks.get_hookimpls()}
    assert {"routing", "fasttrack"} <= implementers
    region = bare_region()
    checks = {item.check for item in region_readiness(region).items}
    assert {"routing-gap", "fast-track-off"} <= checks
    # A plugin switched off for the region is not asked.
    region.disabled_plugins = ["routing", "fasttrack"]
    region.save()
    checks = {item.check for item in region_readiness(region).items}
    assert not {"routing-gap", "fast-track-off"} & checks


def test_the_demo_region_is_ready(demo):
    output, error = run_command("demo")
    assert error is None, output
    assert "Nothing blocks the region from going live." in output
    assert region_readiness(demo).blocking == []


def test_an_incomplete_region_is_flagged_item_by_item_by_the_command(demo):
    region = bare_region()
    output, error = run_command("bare")
    assert error is not None
    assert "Blocks going live" in output
    assert "The region has no default moderating organisation." in output
    # Every visible subcategory but the roads' (category 01) has no rule reaching it.
    unreached = Subcategory.objects.exclude(category__code="01")
    for subcategory in unreached:
        assert f"{subcategory.code} {subcategory.name}" in output
    assert "01.01 " not in output
    assert "Организация 00 has no active coordinator, executor, head." in output
    assert "The widget of Организация 00 (org-0.example) has never sent a message." in output
    assert "switched off" in output
    readiness = region_readiness(region)
    assert len(readiness.blocking) == 1 + unreached.count()
    assert str(error) == f"{len(readiness.blocking)} items block the region from going live."


def test_a_routing_rule_to_another_regions_organisation_reaches_nothing(demo):
    region = bare_region()
    # The rule's form refuses such a rule; one written to the database anyway reaches no one.
    RoutingRule.objects.bulk_create([RoutingRule(region=region, code="everything",
                                                 organisation=factories.organisation("uad"))])
    checks = [item.check for item in region_readiness(region).items]
    assert checks.count("routing-gap") == Subcategory.objects.exclude(category__code="01").count()


def test_fixing_the_items_clears_them(demo):
    region = bare_region()
    first = Organisation.objects.get(region=region, code="org-0")
    region.default_moderating_organisation = first
    region.save()
    RoutingRule.objects.create(region=region, code="catch-all", organisation=first)
    for role in (Role.COORDINATOR, Role.EXECUTOR, Role.HEAD):
        grant_role(factories.user(), first, role)
    factories.appeal(region=demo, widget_organisation=factories.organisation("gzhi"))
    readiness = region_readiness(region)
    assert readiness.ready
    assert {item.check for item in readiness.items} == {"widget-unused", "fast-track-off"}
    # An inactive holder does not count.
    get_user_model().objects.filter(memberships__organisation=first,
                                    memberships__role=Role.HEAD).update(is_active=False)
    assert "organisation-roles" in {item.check for item in region_readiness(region).items}
    # The demo's gzhi sent a widget message: it is no longer flagged.
    assert not any("gzhi" in item.message for item in region_readiness(demo).items)


def test_the_page_lists_each_item_with_the_link_that_fixes_it(superuser_client, demo):
    region = bare_region()
    response = superuser_client.get(page_url(region))
    assert response.status_code == 200
    page = response.content.decode()
    items = ITEM.findall(page)
    links = {check: url for check, _message, url in items}
    first = Organisation.objects.get(region=region, code="org-0")
    track = FastTrack.objects.get(region=region)
    assert links["default-moderator"] == f"/admin/cms/region/edit/{region.pk}/"
    assert links["routing-gap"] == "/admin/routing/routingrule/create/"
    assert links["organisation-roles"] == "/admin/cms/staffmembership/create/"
    assert links["widget-unused"] == f"/admin/cms/organisation/edit/{first.pk}/"
    assert links["fast-track-off"] == f"/admin/fasttrack/fasttrack/edit/{track.pk}/"
    assert 'data-readiness-verdict="blocked"' in page
    for _check, _message, url in items:
        assert superuser_client.get(url).status_code == 200
    # The regions' list links each region's page.
    regions_list = superuser_client.get("/admin/cms/region/").content.decode()
    assert f'href="{page_url(region)}"' in regions_list
    demo_page = superuser_client.get(page_url(demo)).content.decode()
    assert 'data-readiness-verdict="ready"' in demo_page


def test_the_page_is_scoped_to_the_users_regions(client, demo):
    other = bare_region()
    editor = demo_staff()["editor"]
    client.force_login(editor)
    assert client.get(page_url(demo)).status_code == 200
    assert client.get(page_url(other)).status_code == 404
    curator = demo_staff()["curator"]
    client.force_login(curator)
    assert client.get(page_url(demo)).status_code == 200
    assert client.get(page_url(other)).status_code == 404
    grant_role(curator, Organisation.objects.get(region=other, code="org-0"), Role.CURATOR)
    client.force_login(fresh(curator))
    assert client.get(page_url(other)).status_code == 200
    executor = get_user_model().objects.filter(
        memberships__role=Role.EXECUTOR, memberships__organisation__region=demo).first()
    client.force_login(executor)
    assert client.get(page_url(demo)).status_code == 404
    assert client.get(reverse("region_readiness")).status_code == 404


def count_page_queries(client, region) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_url(region))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_organisations(
        superuser_client, demo):
    small = bare_region(organisations=2, code="small")
    large = bare_region(organisations=12, code="large")
    count_page_queries(superuser_client, small)  # warm the per-process caches
    small_count = count_page_queries(superuser_client, small)
    large_count = count_page_queries(superuser_client, large)
    assert len(ITEM.findall(superuser_client.get(page_url(large)).content.decode())) > len(
        ITEM.findall(superuser_client.get(page_url(small)).content.decode()))
    assert small_count == large_count
