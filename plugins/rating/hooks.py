"""Hook implementations of the rating plugin (see cms/kernel/hookspecs.py for the contracts)."""
