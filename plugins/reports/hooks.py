"""Hook implementations of the reports plugin (see cms/kernel/hookspecs.py for the contracts)."""

from .already_reported import already_reported_notice, already_reported_urls  # noqa: F401
from .duplicates_admin import duplicates_panel  # noqa: F401
from .open_data_views import open_data_link, open_data_urls  # noqa: F401
