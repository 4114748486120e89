"""Hook implementations of the Open311 plugin (see cms/kernel/hookspecs.py for the contracts)."""

from .urls import public_urls  # noqa: F401
