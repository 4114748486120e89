"""Hook implementations of the reports plugin (see cms/kernel/hookspecs.py for the contracts)."""

from cms.kernel.hookspecs import ScheduledTask
from cms.kernel.plugins import hookimpl

from .already_reported import already_reported_notice, already_reported_urls  # noqa: F401
from .duplicates_admin import duplicates_panel  # noqa: F401
from .facts import REFRESH_MINUTES
from .open_data_views import open_data_link, open_data_urls  # noqa: F401
from .problem_facts import problem_facts_tasks  # noqa: F401


@hookimpl
def scheduled_tasks():
    return [ScheduledTask("refresh report facts", "plugins.reports.facts.refresh_task",
                          minutes=REFRESH_MINUTES)]
