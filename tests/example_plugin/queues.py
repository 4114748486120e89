"""The staff side (`staff_queues`, `appeal_export_columns`, `admin_menu_items`): a queue
of rejected messages for curators, a column in every export, and a link in the
"Processing oversight" group to the plugin's own admin page.

Kept out of the rest of the suite's way: the queue has no count in the menu, and the
link is for superusers only. Labels are plain strings: a test plugin has no catalogue.
"""

from cms.kernel.hookspecs import AdminMenuItem, QueueColumn, StaffQueue
from cms.kernel.plugins import hookimpl
from cms.models import Role, Status

__all__ = ["admin_menu_items", "appeal_export_columns", "staff_queues"]

QUEUE_KEY = "example-rejected"
QUEUE_LABEL = "Rejected (example)"
REGION_COLUMN = QueueColumn(
    key="example-region", label="Region code (example)",
    value=lambda appeal: f"region:{appeal.region.code}", select_related=("region",))
EXPORT_COLUMN = QueueColumn(
    key="example-from", label="Sent in (example)",
    value=lambda appeal: f"from:{appeal.region.code}", select_related=("region",))
MENU_LABEL = "Example admin page"
ADMIN_URL_NAME = "example_plugin_admin"


@hookimpl
def staff_queues():
    return [StaffQueue(
        key=QUEUE_KEY, label=QUEUE_LABEL, roles=frozenset({Role.CURATOR}),
        statuses=frozenset({Status.REJECTED}), columns=(REGION_COLUMN,), icon="cross",
        counted=False)]


@hookimpl
def appeal_export_columns():
    return [EXPORT_COLUMN]


def for_superusers(request) -> bool:
    return request.user.is_superuser


@hookimpl
def admin_menu_items():
    return [AdminMenuItem(group="oversight", label=MENU_LABEL, url=ADMIN_URL_NAME,
                          icon="cog", is_shown=for_superusers)]
