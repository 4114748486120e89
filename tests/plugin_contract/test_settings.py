"""The one "Region settings" page: a section per settings model of the core and of each
plugin enabled for the region (the example plugin's too), saved together or not at all,
and only for the regions the user configures."""

import re
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.kernel.plugins import build_plugin_manager, hookimpl
from cms.models import Region, RegionWorkflowSettings, Role
from cms.models.staff import NationalViewSettings
from cms.models.region_settings import check_region_settings_models
from cms.staff_admin.region_settings import settings_models_for
from cms.retention.models import RetentionSettings
from plugins.fasttrack.models import FastTrackSettings
from plugins.routing.models import RoutingSettings, WidgetPolicy
from tests import factories
from tests.example_plugin.models import ExampleSettings
from tests.workflow.builders import demo_staff, other_region, staff_member

SECTION = re.compile(r'data-settings-section="([\w-]+)"')
CORE = "cms-regionworkflowsettings"
NATIONAL = "cms-nationalviewsettings"
RETENTION = "retention-retentionsettings"
ROUTING = "routing-routingsettings"
FASTTRACK = "fasttrack-fasttracksettings"
RATING = "rating-ratingsettings"
EXAMPLE = "example_plugin-examplesettings"


def page_url(region) -> str:
    return f"/admin/region-settings/{region.pk}/"


def every_section(**overrides) -> dict:
    data = {
        f"{CORE}-clarification_days": "5",
        f"{RETENTION}-personal_data_retention_days": "3650",
        f"{ROUTING}-widget_policy": WidgetPolicy.ALWAYS,
        f"{FASTTRACK}-postponement_cap_days": "20",
        f"{FASTTRACK}-warning_lead_hours": "12",
        f"{FASTTRACK}-workday_start": "08:00",
        f"{FASTTRACK}-workday_end": "17:00",
        f"{RATING}-low_threshold": "2",
        f"{RATING}-link_lifetime_days": "30",
        f"{RATING}-change_window_days": "7",
        f"{RATING}-close_after_days": "14",
        f"{EXAMPLE}-greeting": "Добрый день",
    }
    return {**data, **overrides}


@pytest.fixture
def editor(demo, client):
    client.force_login(demo_staff()["editor"])
    return client


def get_counting(client, url) -> tuple:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def test_the_page_has_a_section_per_enabled_plugin_with_the_models_title(editor, demo):
    response, queries = get_counting(editor, page_url(demo))
    page = response.content.decode()
    assert response.status_code == 200
    assert SECTION.findall(page) == [CORE, NATIONAL, RETENTION, ROUTING, FASTTRACK, RATING, EXAMPLE]
    # Russian by default: each section is titled by its model's verbose name.
    for model in (RegionWorkflowSettings, RoutingSettings, FastTrackSettings):
        title = str(model._meta.verbose_name)
        assert f">{title[0].upper()}{title[1:]}</h2>" in page
    assert 'name="example_plugin-examplesettings-greeting"' in page
    # One query per section (its row); the rest is the admin's frame (menu, user).
    for model in (RegionWorkflowSettings, RoutingSettings, FastTrackSettings,
                  ExampleSettings):
        table = f'FROM "{model._meta.db_table}"'
        assert sum(table in sql for sql in queries) == 1
    assert len(queries) <= 50


def test_every_section_is_saved_together(editor, demo):
    response = editor.post(page_url(demo), every_section())
    assert response.status_code == 302
    assert RegionWorkflowSettings.for_region(demo).clarification_days == 5
    assert RetentionSettings.for_region(demo).personal_data_retention_days == 3650
    assert RoutingSettings.for_region(demo).widget_policy == WidgetPolicy.ALWAYS
    deadlines = FastTrackSettings.for_region(demo)
    assert (deadlines.postponement_cap_days, deadlines.warning_lead_hours,
            deadlines.workday_start, deadlines.workday_end) == (20, 12, time(8), time(17))
    assert ExampleSettings.for_region(demo).greeting == "Добрый день"


def test_one_invalid_section_saves_nothing_and_says_where(editor, demo):
    before = (RoutingSettings.for_region(demo).widget_policy,
              FastTrackSettings.for_region(demo).postponement_cap_days)
    response = editor.post(page_url(demo), every_section(**{
        f"{FASTTRACK}-workday_start": "18:00", f"{FASTTRACK}-workday_end": "09:00",
        f"{CORE}-clarification_days": "99",
    }))
    assert response.status_code == 200
    forms = {section.anchor: section.form for section in response.context["sections"]}
    assert "workday_end" in forms[FASTTRACK].errors
    assert "clarification_days" in forms[CORE].errors
    assert not forms[ROUTING].errors and not forms[EXAMPLE].errors
    page = response.content.decode()
    assert "error-message" in page
    assert not RegionWorkflowSettings.objects.filter(region=demo).exists()
    assert not ExampleSettings.objects.filter(region=demo).exists()
    assert (RoutingSettings.for_region(demo).widget_policy,
            FastTrackSettings.for_region(demo).postponement_cap_days) == before


def test_a_plugin_switched_off_has_no_section_and_keeps_its_row(editor, demo):
    ExampleSettings.objects.create(region=demo, greeting="Hi")
    demo.disabled_plugins = ["example", "fasttrack", "rating"]
    demo.save(update_fields=["disabled_plugins"])
    page = editor.get(page_url(demo)).content.decode()
    assert SECTION.findall(page) == [CORE, NATIONAL, RETENTION, ROUTING]
    response = editor.post(page_url(demo), every_section(**{f"{EXAMPLE}-greeting": "x"}))
    assert response.status_code == 302
    assert ExampleSettings.for_region(demo).greeting == "Hi"


def test_an_editor_of_another_region_gets_a_404(client, demo):
    other = other_region()
    client.force_login(staff_member("other-editor", "other-org", Role.EDITOR, region=other))
    assert client.get(page_url(demo)).status_code == 404
    assert client.post(page_url(demo), every_section()).status_code == 404
    assert not RegionWorkflowSettings.objects.filter(region=demo).exists()
    # Their own region's page is where the menu takes them.
    response = client.get("/admin/region-settings/")
    assert response.status_code == 302
    assert response["Location"] == page_url(other)


def test_staff_who_configure_no_region_get_a_404_and_no_menu_item(client, demo):
    client.force_login(demo_staff()["moderator"])
    assert client.get("/admin/region-settings/").status_code == 404
    assert client.get(page_url(demo)).status_code == 404
    assert "/admin/region-settings/" not in client.get("/admin/").content.decode()


def test_the_menu_takes_an_editor_to_the_page(editor, demo):
    assert "/admin/region-settings/" in editor.get("/admin/").content.decode()
    response = editor.get("/admin/region-settings/")
    assert response.status_code == 302
    assert response["Location"] == page_url(demo)


def test_a_superuser_chooses_among_the_regions(client, demo):
    other = other_region()
    client.force_login(factories.user("root", is_staff=True, is_superuser=True))
    page = client.get("/admin/region-settings/").content.decode()
    assert page_url(demo) in page and page_url(other) in page


class ExtraSettingsPlugin:
    @hookimpl
    def region_settings_models(self):
        return [ExampleSettings]


def test_hook_region_settings_models(demo):
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    core = [RegionWorkflowSettings, NationalViewSettings, RetentionSettings]
    assert settings_models_for(demo, pm) == core
    pm.register(ExtraSettingsPlugin(), name="extra-settings")
    assert settings_models_for(demo, pm) == [*core, ExampleSettings]
    demo.disabled_plugins = ["extra-settings"]
    assert settings_models_for(demo, pm) == core


def test_a_region_without_a_row_reads_the_defaults_and_saves_nothing(demo):
    settings = ExampleSettings.for_region(demo)
    assert settings.greeting == "Hello" and settings.pk is None
    assert not ExampleSettings.objects.exists()


class WrongSettingsPlugin:
    @hookimpl
    def region_settings_models(self):
        return [Region]


def test_a_model_that_is_not_region_settings_stops_the_start(plugin_manager):
    assert check_region_settings_models(None) == []
    plugin_manager.register(WrongSettingsPlugin(), name="wrong-settings")
    errors = check_region_settings_models(None)
    assert [error.id for error in errors] == ["pos.E006"]
    assert "Region" in errors[0].msg
