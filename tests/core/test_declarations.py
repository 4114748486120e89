"""A plugin is declared once: name, verbose name, description, version and hooks. Built-ins
and installed plugins are found the same way, and the kernel answers where each is on."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from cms.kernel.plugins import (
    DEFAULT_PLUGINS,
    Plugin,
    build_plugin_manager,
    enabled_region_ids,
    hookimpl,
    is_enabled,
    plugin_names,
    switchable_plugins,
)
from cms.models import Region
from tests import factories


def test_builtins_are_named_by_entry_points_like_installed_plugins():
    pm = build_plugin_manager()
    for entry_point in DEFAULT_PLUGINS:
        declared = pm.declarations[entry_point.name]
        assert isinstance(declared, Plugin)
        assert declared.name == entry_point.name
        assert declared.version
    # The test-only plugin is installed the way a third party's is: its distribution's
    # entry point (tests/example_plugin_dist) names its declaration.
    example = pm.declarations["example"]
    assert (str(example.verbose_name), example.version) == ("Example plugin", "1.0")
    assert pm.get_plugin("example").__name__ == "tests.example_plugin.hooks"


def test_the_setting_narrows_the_builtins(settings):
    settings.POS_PLUGINS = ["routing"]
    names = plugin_names(build_plugin_manager(load_entry_points=False))
    assert names == ["core", "routing"]
    settings.POS_PLUGINS = []
    assert plugin_names(build_plugin_manager(load_entry_points=False)) == ["core"]


def test_two_plugins_of_one_name_stop_the_start():
    class Hooks:
        @hookimpl
        def postponement_limit(self, appeal, now):
            return None

    pm = build_plugin_manager(load_entry_points=False)
    with pytest.raises(ValueError, match="routing"):
        pm.register_declared(Plugin(name="routing", verbose_name="again", hooks=Hooks()))


def test_verbose_names_read_in_the_users_language():
    by_name = {plugin.name: plugin for plugin in switchable_plugins()}
    with translation.override("ru"):
        assert str(by_name["fasttrack"].verbose_name) == "Сроки и быстрые треки"
    with translation.override("en"):
        assert str(by_name["fasttrack"].verbose_name) == "Deadlines and fast tracks"


def test_pos_plugins_lists_declarations_and_region_switches(demo):
    demo.disabled_plugins = ["rating"]
    demo.save()
    out = StringIO()
    with translation.override("en"):
        call_command("pos_plugins", stdout=out)
    text = out.getvalue()
    assert "routing 1.0: Routing" in text
    assert "example 1.0: Example plugin" in text
    rating = text[text.index("rating 1.0"):text.index("reports 1.0")]
    assert "region demo: off" in rating
    assert "region demo: on" in text[text.index("routing 1.0"):text.index("fasttrack 1.0")]


def test_the_region_editor_shows_plugin_switches_by_verbose_name(client, demo):
    client.force_login(factories.user(is_superuser=True, is_staff=True))
    url = reverse("cms_region_modeladmin_edit", args=[demo.pk])
    page = client.get(url).content.decode()
    assert "Сроки и быстрые треки (fasttrack)" in page
    assert 'value="example"' in page


def test_enabled_region_ids_follow_the_switches(demo):
    other = Region.objects.create(code="north", name="Северная область",
                                  disabled_plugins=["fasttrack"])
    assert demo.pk in enabled_region_ids("fasttrack")
    assert other.pk not in enabled_region_ids("fasttrack")
    assert other.pk in enabled_region_ids("routing")
    # The essential core cannot be switched off, even when a file names it.
    other.disabled_plugins = ["core"]
    other.save()
    assert other.pk in enabled_region_ids("core")
    assert is_enabled("core", other) and not is_enabled("fasttrack", Region(
        disabled_plugins=["fasttrack"]))
