"""Report datasets: aggregated data plugins offer, read by reports without importing them.

A plugin declares `ReportDataset`s through the `report_datasets` hook; the reports plugin
(or anything else) asks this module which datasets there are for some regions and for a
dataset's rows. A dataset is offered, and its rows are computed, only for the regions where
the plugin that declared it is on: its `rows` never sees another region. Two plugins
declaring one key stop the process: the system check `pos.E005` says so at start-up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pluggy
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from cms.kernel.hookspecs import ReportDataset
from cms.kernel.plugins import declarations, enabled_region_ids, get_plugin_manager


def declared_datasets(pm: pluggy.PluginManager | None = None
                      ) -> list[tuple[ReportDataset, str]]:
    """Every declared dataset with the name of the plugin that declared it, in
    registration order; a key declared twice raises ImproperlyConfigured."""
    pm = pm or get_plugin_manager()
    return [(dataset, plugin_name)
            for plugin_name, dataset in declarations(pm.hook.report_datasets, "report dataset")]


def report_datasets(region_ids: list[int], pm: pluggy.PluginManager | None = None
                    ) -> list[tuple[ReportDataset, list[int]]]:
    """The datasets offered for any of `region_ids`, each with those of the regions where
    its plugin is on. A dataset whose plugin is off in all of them is left out."""
    offered = []
    for dataset, plugin_name in declared_datasets(pm):
        enabled = set(enabled_region_ids(plugin_name))
        regions = [pk for pk in region_ids if pk in enabled]
        if regions:
            offered.append((dataset, regions))
    return offered


def dataset_rows(key: str, region_ids: list[int], since: datetime, until: datetime,
                 pm: pluggy.PluginManager | None = None) -> list[dict[str, Any]]:
    """The rows of dataset `key` over the regions of `region_ids` where its plugin is on,
    for messages registered in [since, until). Raises KeyError for an unknown key."""
    for dataset, plugin_name in declared_datasets(pm):
        if dataset.key == key:
            enabled = set(enabled_region_ids(plugin_name))
            regions = [pk for pk in region_ids if pk in enabled]
            return dataset.rows(regions, since, until) if regions else []
    raise KeyError(key)


@checks.register()
def check_report_datasets(app_configs, **kwargs):
    try:
        declared_datasets()
    except (pluggy.PluginValidationError, ImportError):
        return []  # the kernel did not start: pos.E001 says why
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="Rename one of the datasets.", id="pos.E005")]
    return []
