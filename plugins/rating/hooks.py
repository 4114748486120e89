"""Hook implementations of the rating plugin (see cms/hookspecs.py for the contracts)."""
