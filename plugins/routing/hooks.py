"""Hook implementations of the routing plugin (see cms/hookspecs.py for the contracts)."""
