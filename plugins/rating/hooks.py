"""Hook implementations of the rating plugin (see cms/kernel/hookspecs.py for the contracts)."""

from .events import event_kinds  # noqa: F401
