"""Hook implementations of the fasttrack plugin (see cms/hookspecs.py for the contracts)."""
