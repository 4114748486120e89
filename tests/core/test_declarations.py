"""A plugin is declared once: name, verbose name, description, version and hooks. Built-ins
and installed plugins are found the same way, and the kernel answers where each is on."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from cms.kernel import hookspecs
from cms.kernel.plugins import (
    DEFAULT_PLUGINS,
    Plugin,
    PluginManager,
    build_plugin_manager,
    enabled_region_ids,
    hookimpl,
    is_enabled,
    plugin_names,
    reset_plugin_manager,
    switchable_plugins,
)
from cms.models import Region
from tests import factories


@pytest.fixture
def example_plugin_only(settings):
    """The core and the test-only plugin, found through its entry point as a third
    party's is, and no built-in: what these tests see does not depend on the built-ins
    (the core's own run registers none)."""
    settings.POS_PLUGINS = []
    settings.POS_LOAD_ENTRY_POINTS = True
    reset_plugin_manager()
    yield
    reset_plugin_manager()


def test_builtins_are_named_by_entry_points_like_installed_plugins(settings):
    settings.POS_LOAD_ENTRY_POINTS = True
    pm = build_plugin_manager(default_plugins=DEFAULT_PLUGINS)
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
    first = DEFAULT_PLUGINS[0].name
    settings.POS_PLUGINS = [first]
    names = plugin_names(build_plugin_manager(load_entry_points=False))
    assert names == ["core", first]
    settings.POS_PLUGINS = []
    assert plugin_names(build_plugin_manager(load_entry_points=False)) == ["core"]
    settings.POS_PLUGINS = None  # unset: every built-in
    names = plugin_names(build_plugin_manager(load_entry_points=False))
    assert names == ["core", *(entry.name for entry in DEFAULT_PLUGINS)]


class QuietHooks:
    @hookimpl
    def postponement_limit(self, appeal, now):
        return None


def test_two_plugins_of_one_name_stop_the_start():
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    pm.register_declared(Plugin(name="twin", verbose_name="first", hooks=QuietHooks()))
    again = Plugin(name="twin", verbose_name="again", hooks=QuietHooks())
    with pytest.raises(ValueError, match="twin"):
        pm.register_declared(again)
    # Nor may a plugin take the essential core's name.
    impostor = Plugin(name="core", verbose_name="again", hooks=QuietHooks())
    with pytest.raises(ValueError, match="core"):
        pm.register_declared(impostor)


def test_verbose_names_read_in_the_users_language():
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    # A msgid the project's catalogue translates, so that only the language changes.
    pm.register_declared(Plugin(name="regional", verbose_name=gettext_lazy("Region"),
                                hooks=QuietHooks()))
    (declared,) = switchable_plugins(pm)
    with translation.override("ru"):
        assert str(declared.verbose_name) == "Регион"
    with translation.override("en"):
        assert str(declared.verbose_name) == "Region"


def test_pos_plugins_lists_declarations_and_region_switches(demo, example_plugin_only):
    demo.disabled_plugins = ["example"]
    demo.save()
    out = StringIO()
    with translation.override("en"):
        call_command("pos_plugins", stdout=out)
    text = out.getvalue()
    core, example = text[:text.index("example 1.0")], text[text.index("example 1.0"):]
    assert core.startswith("core (essential)")
    assert example.startswith("example 1.0: Example plugin")
    assert "region demo: off" in example
    assert "region demo: on" in core


def test_the_region_editor_shows_plugin_switches_by_verbose_name(client, demo,
                                                                 example_plugin_only):
    client.force_login(factories.user(is_superuser=True, is_staff=True))
    url = reverse("cms_region_modeladmin_edit", args=[demo.pk])
    page = client.get(url).content.decode()
    with translation.override("ru"):  # the admin's default language
        verbose_name = str(build_plugin_manager().declarations["example"].verbose_name)
    assert f"{verbose_name} (example)" in page
    assert 'value="example"' in page
    assert 'value="core"' not in page  # the essential core has no switch


def test_enabled_region_ids_follow_the_switches(demo):
    # The switches are data: any plugin name reads the same, registered here or not.
    other = Region.objects.create(code="north", name="Северная область",
                                  disabled_plugins=["example"])
    assert demo.pk in enabled_region_ids("example")
    assert other.pk not in enabled_region_ids("example")
    assert other.pk in enabled_region_ids("another")
    # The essential core cannot be switched off, even when a file names it.
    other.disabled_plugins = ["core"]
    other.save()
    assert other.pk in enabled_region_ids("core")
    assert is_enabled("core", other) and not is_enabled("example", Region(
        disabled_plugins=["example"]))
