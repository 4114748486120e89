"""A test per hook: the kernel calls enabled plugins with the documented arguments."""

import json
from datetime import datetime, timedelta, timezone

from cms.kernel.hookspecs import PagePanel
from cms.kernel.plugins import build_plugin_manager, hookimpl, hooks_for
from cms.regionconfig.files import RegionConfigFile
from cms.regionconfig.loader import export_region_folder, load_region_folder
from cms.submission.registration import NewAppeal, do_register_appeal
from tests import factories


def manager_with(plugin, name="test-plugin"):
    """The core and `plugin` alone: what a test sees comes from the plugin under test,
    not from whichever built-ins are installed."""
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    pm.register(plugin, name=name)
    return pm


def test_hook_appeal_transitioned(demo, monkeypatch):
    seen = []

    class Listener:
        @hookimpl
        def appeal_transitioned(self, appeal, event):
            seen.append((appeal.number, event.kind))

    pm = manager_with(Listener())
    monkeypatch.setattr("cms.submission.registration.hooks_for", lambda region: hooks_for(region, pm))
    sub = factories.subcategory("01.01")
    appeal, _ = do_register_appeal(NewAppeal(
        region=demo, citizen=factories.user(), category=sub.category, subcategory=sub,
        territory=factories.territory("gorsk"), text="Нет света во дворе",
    ))
    assert [kind for number, kind in seen if number == appeal.number] == list(
        appeal.events.values_list("kind", flat=True)
    )


class NotesFile(RegionConfigFile):
    """A plugin's own file in a region folder: a list of free-text notes, kept by the
    instance (each test makes its own, so nothing leaks into the next)."""

    filename = "notes.json"
    order = 90

    def __init__(self):
        self.store: dict = {}

    def validate(self, data, ctx):
        if not isinstance(data, list):
            ctx.problem(self.filename, "(top level)", "must be a list")

    def load(self, region, data, report):
        self.store[region.code] = data
        report.record("note", region.code, "created")

    def export(self, region):
        return self.store.get(region.code)


def test_hook_region_config_files(demo, tmp_path, monkeypatch):
    notes = NotesFile()

    class NotesPlugin:
        @hookimpl
        def region_config_files(self):
            return [notes]

    pm = manager_with(NotesPlugin())
    monkeypatch.setattr("cms.regionconfig.loader.all_hooks", lambda: pm.hook)
    folder = tmp_path / "demo"
    assert "notes.json" not in export_region_folder(demo, folder)  # nothing to say yet
    (folder / "notes.json").write_text('["первая заметка"]', encoding="utf-8")
    load_region_folder(folder)
    assert notes.store == {"demo": ["первая заметка"]}
    out = tmp_path / "out"
    assert "notes.json" in export_region_folder(demo, out)
    exported = json.loads((out / "notes.json").read_text(encoding="utf-8"))
    assert exported == ["первая заметка"]


def test_hook_postponement_limit(demo, core_only):
    appeal = factories.appeal(save=False)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    appeal.deadline = now + timedelta(days=10)
    # With no plugin answering, the core's 59-FZ limit: the deadline plus 30 days.
    assert hooks_for(demo, core_only).postponement_limit(appeal=appeal, now=now) == (
        datetime(2026, 4, 11, 9, 0, tzinfo=timezone.utc)
    )

    class Strict:
        @hookimpl
        def postponement_limit(self, appeal, now):
            return now + timedelta(days=5)

    pm = manager_with(Strict())
    assert hooks_for(demo, pm).postponement_limit(appeal=appeal, now=now) == (
        now + timedelta(days=5)
    )


class Panels:
    @hookimpl
    def appeal_admin_panels(self, appeal, request):
        return [PagePanel(title="staff", template="x.html")]

    @hookimpl
    def appeal_public_panels(self, appeal, request):
        return [PagePanel(title="citizen", template="y.html")]


def panel_titles(region, pm, hook_name) -> list[str]:
    """The titles of every panel `hook_name` returns for a message of `region`."""
    hook = getattr(hooks_for(region, pm), hook_name)
    answers = hook(appeal=factories.appeal(save=False), request=None)
    return [panel.title for group in answers if group for panel in group]


def test_hook_appeal_admin_panels(demo):
    pm = manager_with(Panels(), name="panels")
    assert panel_titles(demo, pm, "appeal_admin_panels") == ["staff"]
    demo.disabled_plugins = ["panels"]
    assert panel_titles(demo, pm, "appeal_admin_panels") == []


def test_hook_appeal_public_panels(demo):
    pm = manager_with(Panels(), name="panels")
    assert panel_titles(demo, pm, "appeal_public_panels") == ["citizen"]
    demo.disabled_plugins = ["panels"]
    assert panel_titles(demo, pm, "appeal_public_panels") == []
