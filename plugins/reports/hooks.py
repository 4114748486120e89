"""Hook implementations of the reports plugin (see cms/kernel/hookspecs.py for the contracts)."""

from .duplicates_admin import duplicates_panel  # noqa: F401
