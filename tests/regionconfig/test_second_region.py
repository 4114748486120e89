"""Ural Oblast, the second demo region, comes from its files alone: its portal (a Wagtail
site of its own), its pages, staff, routing and settings."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.test import Client

from cms.models import RegionWorkflowSettings, RejectionReason, Territory
from cms.portal.models import SubmissionPage
from cms.regionconfig.loader import load_region_folder
from plugins.routing.resolver import route
from tests import factories

from .conftest import CONFIG


def test_the_region_is_at_utc_plus_5_with_its_own_site_and_pages(ural):
    assert ural.time_zone == "Asia/Yekaterinburg"
    assert datetime(2026, 12, 1, 12, tzinfo=ural.tzinfo).utcoffset() == timedelta(hours=5)
    site = ural.site
    assert (site.hostname, site.port, site.is_default_site) == ("ural.localhost", 8000, False)
    home = site.root_page.specific
    assert home.slug == "ural"
    pages = {page.slug: page for page in SubmissionPage.objects.child_of(home)}
    assert set(pages) == {"general", "zhkh"}
    assert all(page.live and page.latest_revision_id for page in pages.values())
    zhkh = pages["zhkh"]
    assert sorted(zhkh.categories.values_list("code", flat=True)) == ["05", "06"]
    assert [field.label for field in zhkh.extra_fields.all()] == ["Номер лицевого счёта"]
    assert pages["general"].offer_in_widget
    # The demo's portal is untouched and remains the default site.
    assert factories.demo_region().site.is_default_site


def test_the_portal_is_served_at_its_own_address(ural, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", ".localhost"]
    ural_home = Client().get("/", HTTP_HOST="ural.localhost:8000")
    assert ural_home.status_code == 200
    assert "Уральская область: сообщить о проблеме" in ural_home.content.decode()
    demo_home = Client().get("/", HTTP_HOST="127.0.0.1:8000")
    assert "Уральская область" not in demo_home.content.decode()


def test_staff_settings_and_reasons_are_the_regions_own(ural):
    staff = json.loads((CONFIG / "ural" / "staff.json").read_text(encoding="utf-8"))
    demo_staff = json.loads((CONFIG / "demo" / "staff.json").read_text(encoding="utf-8"))
    assert not {s["username"] for s in staff} & {s["username"] for s in demo_staff}
    assert RegionWorkflowSettings.objects.get(region=ural).clarification_days == 5
    own = RejectionReason.objects.get(region=ural, code="")
    assert own.title == "Сообщение о территории другого региона"
    # The region's editors got the Wagtail permissions on its portal (isolation's group).
    group = Group.objects.filter(name="Редакторы: ural").first()
    assert group is not None
    assert group.user_set.filter(username="ural-editor").exists()


def test_messages_route_to_the_regions_own_organisations(ural):
    appeal = factories.appeal(region=ural, subcategory_code="01.01",
                              territory_code="rudnogorsk-north", organisation_code="ural-cur",
                              save=False)
    assert appeal.territory == Territory.objects.get(region=ural, code="rudnogorsk-north")
    choice = route(appeal)
    assert choice.organisation.code == "adm-rudnogorsk"
    assert choice.organisation.region_id == ural.pk
    other = factories.appeal(region=ural, subcategory_code="13.01", territory_code="ural",
                             organisation_code="ural-cur", save=False)
    assert route(other).organisation.code == "ural-adm"


def test_loading_again_changes_nothing(ural):
    result = load_region_folder(CONFIG / "ural")
    assert not result.report.changed, result.report.lines
