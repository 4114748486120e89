"""Hook implementations of the reports plugin (see cms/kernel/hookspecs.py for the contracts)."""
