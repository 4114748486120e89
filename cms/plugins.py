"""The plugin manager: built-in plugins and third-party ones, registered the same way.

`get_plugin_manager()` builds the manager once per process: it adds the specs of
`cms.hookspecs`, registers the modules in `ESSENTIAL_PLUGINS` and `DEFAULT_PLUGINS`, loads
the `pos.plugins` entry-point group and calls `check_pending()`, so that a misspelt hook
implementation stops the process at start-up rather than being silently ignored.

`hooks_for(region)` is how the rest of the code calls hooks: it leaves out the plugins the
region switched off. Essential plugins cannot be switched off.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING

import pluggy

from cms import hookspecs

if TYPE_CHECKING:
    from cms.models import Region

PROJECT_NAME = "pos"
ENTRY_POINT_GROUP = "pos.plugins"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

# Always on: the core's fallbacks (they answer last, when no plugin does).
ESSENTIAL_PLUGINS: tuple[tuple[str, str], ...] = (("core", "cms.default_plugins"),)

# Built-in plugins, each a Django app under plugins/ with a `hooks` module.
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (
    ("routing", "plugins.routing.hooks"),
    ("fasttrack", "plugins.fasttrack.hooks"),
    ("rating", "plugins.rating.hooks"),
    ("reports", "plugins.reports.hooks"),
)

ESSENTIAL_PLUGIN_NAMES = frozenset(name for name, _ in ESSENTIAL_PLUGINS)


def build_plugin_manager(
    default_plugins: tuple[tuple[str, str], ...] = DEFAULT_PLUGINS,
    load_entry_points: bool = True,
) -> pluggy.PluginManager:
    """A fresh, checked manager. Tests call this; everything else `get_plugin_manager()`."""
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name, module_path in ESSENTIAL_PLUGINS + default_plugins:
        pm.register(importlib.import_module(module_path), name=name)
    if load_entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    return pm


@lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    return build_plugin_manager()


def reset_plugin_manager() -> None:
    """Forget the cached manager (tests that install or remove plugins)."""
    get_plugin_manager.cache_clear()


def plugin_names(pm: pluggy.PluginManager | None = None) -> list[str]:
    """Names of every registered plugin, essential ones first, in registration order."""
    pm = pm or get_plugin_manager()
    return [name for name, _plugin in pm.list_name_plugin()]


def switchable_plugin_names(pm: pluggy.PluginManager | None = None) -> list[str]:
    return [name for name in plugin_names(pm) if name not in ESSENTIAL_PLUGIN_NAMES]


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
