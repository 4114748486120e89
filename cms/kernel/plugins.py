"""The plugin manager: built-in plugins and third-party ones, declared and found the same way.

A plugin is one `Plugin` declaration: its name, verbose name, description, version and the
module (or object) holding its hook implementations. Every plugin, built-in or installed
with pip, is named by an entry point `"package.module:declaration"`:

- built-ins are listed in `DEFAULT_PLUGINS` (the setting `POS_PLUGINS` narrows them, e.g.
  to none for the core's own test run);
- third-party plugins declare one in the `pos.plugins` entry-point group of their
  distribution. An entry point may also name a bare hook module: it is then declared with
  its entry-point name.

`get_plugin_manager()` builds the manager once per process: it adds the specs of
`cms.kernel.hookspecs`, registers the essential core plugin, the built-ins and the
entry-point plugins, and calls `check_pending()`, so that a misspelt hook implementation
stops the process at start-up rather than being silently ignored.

`hooks_for(region)` is how the rest of the code calls hooks: it leaves out the plugins the
region switched off. `enabled_region_ids(name)` answers the same question for set-based
work (a sweep over every region's messages). Essential plugins cannot be switched off.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cms.kernel import hookspecs

if TYPE_CHECKING:
    from cms.models import Region

PROJECT_NAME = "pos"
ENTRY_POINT_GROUP = "pos.plugins"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@dataclass(frozen=True)
class Plugin:
    """A plugin's declaration: who it is, and where its hook implementations are.

    `verbose_name` and `description` are shown to region editors (the plugin switches) and
    in `manage.py pos_plugins`: pass them through `gettext_lazy` so that they read in the
    admin's language. `hooks` is a dotted module path, or the module or object itself.
    """

    name: str
    verbose_name: Any
    description: Any = ""
    version: str = ""
    hooks: str | ModuleType | object = ""

    def hook_object(self) -> ModuleType | object:
        if isinstance(self.hooks, str):
            return importlib.import_module(self.hooks)
        return self.hooks


# Always on: the core's fallbacks (they answer last, when no plugin does).
CORE = Plugin(
    name="core",
    verbose_name=_("Core"),
    description=_("The platform's own answers, given when no plugin answers."),
    hooks="cms.kernel.default_plugins",
)
ESSENTIAL_PLUGINS: tuple[Plugin, ...] = (CORE,)
ESSENTIAL_PLUGIN_NAMES = frozenset(plugin.name for plugin in ESSENTIAL_PLUGINS)

# Built-in plugins, each a Django app under plugins/ declaring `plugin` in its package,
# named exactly as a third-party distribution names its entry point.
DEFAULT_PLUGINS: tuple[EntryPoint, ...] = tuple(
    EntryPoint(name=name, value=f"plugins.{name}:plugin", group=ENTRY_POINT_GROUP)
    for name in ("routing", "fasttrack", "rating", "reports", "open311")
)


def declaration_of(entry_point: EntryPoint) -> Plugin:
    """The `Plugin` an entry point names; a bare hook module is declared by its name."""
    loaded = entry_point.load()
    if isinstance(loaded, Plugin):
        return loaded
    return Plugin(name=entry_point.name, verbose_name=entry_point.name,
                  description=getattr(loaded, "__doc__", "") or "", hooks=loaded)


def selected_default_plugins() -> tuple[EntryPoint, ...]:
    """The built-ins the setting `POS_PLUGINS` keeps (all of them when it is unset)."""
    wanted = getattr(settings, "POS_PLUGINS", None)
    if wanted is None:
        return DEFAULT_PLUGINS
    return tuple(entry for entry in DEFAULT_PLUGINS if entry.name in wanted)


def installed_entry_points() -> tuple[EntryPoint, ...]:
    """Third-party plugins: the `pos.plugins` entry points of installed distributions."""
    if not getattr(settings, "POS_LOAD_ENTRY_POINTS", True):
        return ()
    return tuple(entry_points(group=ENTRY_POINT_GROUP))


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering each plugin's declaration."""

    def __init__(self):
        super().__init__(PROJECT_NAME)
        self.declarations: dict[str, Plugin] = {}

    def register_declared(self, plugin: Plugin) -> None:
        if plugin.name in self.declarations:
            raise ValueError(f"Two plugins are named {plugin.name!r}.")
        self.declarations[plugin.name] = plugin
        self.register(plugin.hook_object(), name=plugin.name)


def build_plugin_manager(
    default_plugins: tuple[EntryPoint, ...] | None = None,
    load_entry_points: bool = True,
) -> PluginManager:
    """A fresh, checked manager. Tests call this; everything else `get_plugin_manager()`."""
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    for plugin in ESSENTIAL_PLUGINS:
        pm.register_declared(plugin)
    found = selected_default_plugins() if default_plugins is None else default_plugins
    if load_entry_points:
        found = found + installed_entry_points()
    for entry_point in found:
        pm.register_declared(declaration_of(entry_point))
    pm.check_pending()
    return pm


@lru_cache(maxsize=1)
def get_plugin_manager() -> PluginManager:
    return build_plugin_manager()


def reset_plugin_manager() -> None:
    """Forget the cached manager (tests that install or remove plugins)."""
    get_plugin_manager.cache_clear()


def plugin_names(pm: PluginManager | None = None) -> list[str]:
    """Names of every registered plugin, essential ones first, in registration order."""
    pm = pm or get_plugin_manager()
    return [name for name, _plugin in pm.list_name_plugin()]


def switchable_plugins(pm: PluginManager | None = None) -> list[Plugin]:
    """The declarations of the plugins a region may switch off, in registration order."""
    pm = pm or get_plugin_manager()
    return [pm.declarations[name] for name in plugin_names(pm)
            if name not in ESSENTIAL_PLUGIN_NAMES]


def switchable_plugin_names(pm: PluginManager | None = None) -> list[str]:
    return [plugin.name for plugin in switchable_plugins(pm)]


class RegionHooks:
    """`pm.hook`, narrowed to the plugins enabled for one region.

    `hooks_for(region).choose_addressee(appeal=...)` calls only the enabled plugins;
    pluggy's `subset_hook_caller` does the narrowing.
    """

    def __init__(self, pm: pluggy.PluginManager, disabled: frozenset[str]):
        self._pm = pm
        self._removed = [
            plugin
            for name in sorted(disabled - ESSENTIAL_PLUGIN_NAMES)
            if (plugin := pm.get_plugin(name)) is not None
        ]

    def __getattr__(self, hook_name: str) -> pluggy.HookCaller:
        if not self._removed:
            return getattr(self._pm.hook, hook_name)
        return self._pm.subset_hook_caller(hook_name, remove_plugins=self._removed)


def hooks_for(region: Region, pm: pluggy.PluginManager | None = None) -> RegionHooks:
    return RegionHooks(pm or get_plugin_manager(), frozenset(region.disabled_plugins))


def all_hooks(pm: pluggy.PluginManager | None = None) -> pluggy.HookRelay:
    """Every registered plugin, regardless of region switches (config files, start-up)."""
    return (pm or get_plugin_manager()).hook


def is_enabled(plugin_name: str, region: Region) -> bool:
    """Whether `plugin_name` runs for `region` (essential plugins always do)."""
    return plugin_name in ESSENTIAL_PLUGIN_NAMES or plugin_name not in region.disabled_plugins


def enabled_region_ids(plugin_name: str) -> list[int]:
    """The regions where `plugin_name` runs: for set-based work over many regions at once
    (a sweep filters `region_id__in=` this). A plugin never reads the switches itself."""
    from cms.models import Region

    regions = Region.objects.values_list("pk", "disabled_plugins").order_by("pk")
    return [pk for pk, disabled in regions
            if plugin_name in ESSENTIAL_PLUGIN_NAMES or plugin_name not in (disabled or [])]


def plugin_name_of(hook_impl_plugin: object, pm: pluggy.PluginManager | None = None) -> str:
    """The registered name of a plugin object (to tag what a hook answered with its source)."""
    return (pm or get_plugin_manager()).get_name(hook_impl_plugin) or ""


def declarations(hook_caller: pluggy.HookCaller, what: str,
                 key: Callable[[Any], str] | None = lambda item: item.key
                 ) -> list[tuple[str, Any]]:
    """Everything the plugins declare through a hook answering a list (queues, event
    kinds, tasks, datasets...), as (plugin name, item) in registration order, the core's
    first. Called on every registered plugin, whatever a region's switches say.

    Two items of one `key` stop the process: raises ImproperlyConfigured naming both
    plugins (`what` names the kind of item in the message). `key=None`: no key.
    """
    found: list[tuple[str, Any]] = []
    owners: dict[str, str] = {}
    for impl in hook_caller.get_hookimpls():
        for item in impl.function() or ():
            found.append((impl.plugin_name, item))
            if key is None:
                continue
            item_key = str(key(item))
            if item_key in owners:
                raise ImproperlyConfigured(
                    f"The {what} {item_key!r} is declared by both the plugin "
                    f"{owners[item_key]!r} and the plugin {impl.plugin_name!r}: "
                    f"it must be unique.")
            owners[item_key] = impl.plugin_name
    return found
