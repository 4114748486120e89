"""The plugin kernel: registration, per-region switches, entry points, start-up checks."""

import inspect
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pluggy
import pytest

from cms.kernel import hookspecs
from cms.kernel.hookspecs import AddresseeChoice
from cms.kernel.plugins import (
    DEFAULT_PLUGINS,
    ESSENTIAL_PLUGINS,
    build_plugin_manager,
    hookimpl,
    hooks_for,
    plugin_names,
)
from tests import factories


def hook_names() -> list[str]:
    return sorted(
        name for name, value in vars(hookspecs).items()
        if inspect.isfunction(value) and hasattr(value, "pos_spec")
    )


def test_builtin_plugins_are_registered_like_any_other():
    # Named explicitly: the core's own run (POS_PLUGINS=none) registers none of them.
    pm = build_plugin_manager(default_plugins=DEFAULT_PLUGINS, load_entry_points=False)
    names = plugin_names(pm)
    assert names[: len(ESSENTIAL_PLUGINS)] == [plugin.name for plugin in ESSENTIAL_PLUGINS]
    for entry_point in DEFAULT_PLUGINS:
        assert entry_point.name in names
        assert pm.get_plugin(entry_point.name) is not None
        assert pm.declarations[entry_point.name].verbose_name


class RecordingRouter:
    """A test plugin that always answers, and remembers which regions asked."""

    def __init__(self, organisation):
        self.organisation = organisation
        self.calls = []

    @hookimpl
    def choose_addressee(self, appeal):
        self.calls.append(appeal.region.code)
        return AddresseeChoice(organisation=self.organisation, explanation="test router")


def test_a_plugin_switched_off_for_one_region_is_called_only_for_the_others(
    demo, core_only
):
    pm = core_only
    target = factories.organisation("minzdrav")
    router = RecordingRouter(target)
    pm.register(router, name="test-router")
    other = type(demo).objects.create(code="other", name="Другая область",
                                      disabled_plugins=["test-router"])
    on = factories.appeal(save=False)
    off = factories.appeal(save=False)
    off.region = other

    assert hooks_for(demo, pm).choose_addressee(appeal=on).organisation == target
    answer_off = hooks_for(other, pm).choose_addressee(appeal=off)
    assert router.calls == ["demo"]
    # With the plugin off, the core's fallback answers (no default organisation here).
    assert answer_off is None


def test_essential_plugins_cannot_be_switched_off(demo, core_only):
    demo.disabled_plugins = ["core"]
    appeal = factories.appeal(save=False)
    choice = hooks_for(demo, core_only).choose_addressee(appeal=appeal)
    assert choice is not None
    assert choice.organisation == demo.default_moderating_organisation


def write_distribution(root: Path, module: str, body: str) -> None:
    """A minimal installed distribution declaring one `pos.plugins` entry point."""
    (root / f"{module}.py").write_text(textwrap.dedent(body))
    dist_info = root / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[pos.plugins]\n{module} = {module}\n")


@pytest.fixture
def site_dir(tmp_path, monkeypatch, settings):
    """A directory of installed distributions, their entry points read (the core's own
    run switches entry points off)."""
    settings.POS_LOAD_ENTRY_POINTS = True
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith("pos_test_plugin")]:
        del sys.modules[name]


def test_an_entry_point_plugin_from_a_distribution_is_found(site_dir, demo):
    write_distribution(site_dir, "pos_test_plugin_found", """
        from cms.kernel.hookspecs import AddresseeChoice
        from cms.models import Organisation
        from cms.kernel.plugins import hookimpl

        @hookimpl(tryfirst=True)
        def choose_addressee(appeal):
            return AddresseeChoice(
                organisation=Organisation.objects.get(region=appeal.region, code="minobr"),
                explanation="from an installed distribution",
            )
    """)
    pm = build_plugin_manager()
    assert "pos_test_plugin_found" in plugin_names(pm)
    choice = hooks_for(demo, pm).choose_addressee(appeal=factories.appeal(save=False))
    assert choice.explanation == "from an installed distribution"


def test_a_misspelt_hook_implementation_fails_at_start_up(site_dir):
    write_distribution(site_dir, "pos_test_plugin_typo", """
        from cms.kernel.plugins import hookimpl

        @hookimpl
        def choose_adressee(appeal):
            return None
    """)
    with pytest.raises(pluggy.PluginValidationError, match="choose_adressee"):
        build_plugin_manager()


def test_a_hook_implementation_with_an_unknown_argument_fails_at_start_up(site_dir):
    write_distribution(site_dir, "pos_test_plugin_args", """
        from cms.kernel.plugins import hookimpl

        @hookimpl
        def appeal_deadline(appeal, start, colour):
            return None
    """)
    with pytest.raises(pluggy.PluginValidationError, match="colour"):
        build_plugin_manager()


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented(name):
    spec = getattr(hookspecs, name)
    doc = inspect.getdoc(spec) or ""
    assert len(doc) > 80, f"{name} needs a docstring that documents it"
    for parameter in inspect.signature(spec).parameters:
        assert parameter in doc, f"{name}'s docstring does not mention {parameter!r}"


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_test(name):
    tests_root = Path(__file__).resolve().parent.parent
    pattern = f"def test_hook_{name}("
    assert any(pattern in path.read_text(encoding="utf-8") for path in tests_root.rglob("test_*.py")), (
        f"no test_hook_{name} in tests/"
    )


def test_hook_choose_addressee(demo, core_only):
    appeal = factories.appeal(save=False)
    choice = hooks_for(demo, core_only).choose_addressee(appeal=appeal)
    assert choice.organisation == demo.default_moderating_organisation
    assert choice.details["fallback"] is True


def test_hook_appeal_deadline(demo, core_only):
    # 01.01's term is 1 + 19 + 1 = 21 working days; with no plugin, the core counts
    # weekdays: from Friday 27 November, the 21st weekday is Monday 28 December, same
    # time of day (14:00 in Samara, the demo's zone, which keeps UTC+4 all year).
    appeal = factories.appeal(save=False, subcategory_code="01.01")
    start = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
    choice = hooks_for(demo, core_only).appeal_deadline(appeal=appeal, start=start)
    assert choice.due_at == datetime(2026, 12, 28, 10, 0, tzinfo=timezone.utc)
    assert choice.is_fast_track is False
