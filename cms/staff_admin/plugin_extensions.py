"""What plugins add to the staff admin besides queues: export columns and menu links,
collected with the kernel's `declarations`.

Collected once per plugin manager, at start-up (when the admin's menu groups are built),
from every registered plugin, each answer tagged with the plugin that gave it: a plugin's
export column fills only for the messages of regions where it is on. A key declared
twice stops the process with ImproperlyConfigured (`cms.staff_admin.queues` collects the
queues the same way).
"""

from __future__ import annotations

from functools import cached_property, lru_cache

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import slugify
from wagtail.admin.menu import MenuItem

from cms.kernel.hookspecs import AdminMenuItem, QueueColumn
from cms.kernel.plugins import (
    ESSENTIAL_PLUGIN_NAMES,
    declarations,
    enabled_region_ids,
    get_plugin_manager,
)

# The core's menu groups a plugin may add queues and links to. Until the "Region settings"
# page has a group of its own, its links are listed under the reference data.
QUEUE_MENU_GROUPS = ("messages", "oversight", "reference")
MENU_ITEM_GROUPS = (*QUEUE_MENU_GROUPS, "settings")


# --- columns -------------------------------------------------------------------------


class ColumnCell:
    """A `QueueColumn` as the admin's lists and exports read a column: a callable of the
    row with a label, an order field and a name (its CSS class).

    With `plugin` given, a cell of a message whose region has that plugin off is empty;
    the regions are read once, at the first cell.
    """

    def __init__(self, column: QueueColumn, plugin: str | None = None):
        self.column = column
        self.plugin = plugin
        self.__name__ = column.key.replace("-", "_")
        self.short_description = column.label
        self.admin_order_field = column.ordering

    @cached_property
    def enabled_region_ids(self) -> frozenset[int] | None:
        if self.plugin is None or self.plugin in ESSENTIAL_PLUGIN_NAMES:
            return None
        return frozenset(enabled_region_ids(self.plugin))

    def __call__(self, appeal):
        regions = self.enabled_region_ids
        if regions is not None and appeal.region_id not in regions:
            return ""
        return self.column.value(appeal)


@lru_cache(maxsize=4)
def _export_columns_of(pm) -> tuple[tuple[str, QueueColumn], ...]:
    found = declarations(pm.hook.appeal_export_columns, "export column")
    return tuple(found)


def export_cells(pm=None) -> tuple[ColumnCell, ...]:
    """Fresh cells of every plugin's export columns (one export's worth)."""
    return tuple(ColumnCell(column, plugin_name)
                 for plugin_name, column in _export_columns_of(pm or get_plugin_manager()))


def export_select_related(pm=None) -> tuple[str, ...]:
    columns = _export_columns_of(pm or get_plugin_manager())
    return tuple(dict.fromkeys(name for _plugin, column in columns
                               for name in column.select_related))


# --- menu links ----------------------------------------------------------------------


def url_of(target: str) -> str:
    """A path as it is; anything else is a URL name."""
    return target if target.startswith(("/", "http://", "https://")) else reverse(target)


class PluginMenuItem(MenuItem):
    """A plugin's link in a core menu group, shown to whom its `is_shown` says."""

    def __init__(self, item: AdminMenuItem, order: int):
        # Reversed when the menu is drawn: the URLs are not loaded yet at start-up.
        # Named after its URL, in ASCII (Wagtail would slug a Russian label).
        super().__init__(item.label, lazy(url_of, str)(item.url), icon_name=item.icon,
                         name=slugify(item.url), order=order)
        self.item = item

    def is_shown(self, request):
        return self.item.is_shown is None or bool(self.item.is_shown(request))


@lru_cache(maxsize=4)
def _menu_items_of(pm) -> tuple[AdminMenuItem, ...]:
    found = declarations(pm.hook.admin_menu_items, "admin menu link", key=None)
    for plugin_name, item in found:
        if item.group not in MENU_ITEM_GROUPS:
            raise ImproperlyConfigured(
                f"The plugin {plugin_name!r} adds the link {item.label!r} to the menu "
                f"group {item.group!r}; links go in one of {MENU_ITEM_GROUPS}.")
    return tuple(sorted((item for _plugin, item in found), key=lambda item: item.order))


def plugin_menu_items(*groups: str, after: int, pm=None) -> list[PluginMenuItem]:
    """The plugins' links of `groups`, ordered after the group's own `after` items."""
    items = [item for item in _menu_items_of(pm or get_plugin_manager())
             if item.group in groups]
    return [PluginMenuItem(item, order=after + position)
            for position, item in enumerate(items, start=1)]
