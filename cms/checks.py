"""System checks: the plugin kernel must build cleanly before anything else runs."""

import pluggy
from django.core import checks

from cms.kernel import (
    events,  # noqa: F401  (registers the event kinds' check)
    reports,  # noqa: F401  (registers the report datasets' check)
)


@checks.register()
def check_plugins(app_configs, **kwargs):
    from cms.kernel.plugins import get_plugin_manager

    try:
        get_plugin_manager()
    except (pluggy.PluginValidationError, ImportError) as error:
        return [
            checks.Error(
                f"The plugin kernel failed to start: {error}",
                hint="Fix or uninstall the plugin named in the message.",
                id="pos.E001",
            )
        ]
    return []
