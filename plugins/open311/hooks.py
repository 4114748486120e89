"""Hook implementations of the Open311 plugin (see cms/kernel/hookspecs.py for the contracts)."""

from .regionconfig import region_config_files  # noqa: F401
from .staff import *
from .urls import public_urls  # noqa: F401
