"""Hook implementations of the reports plugin (see cms/hookspecs.py for the contracts)."""
