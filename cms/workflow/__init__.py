"""The processing workflow: the table of transitions (`table`), the one write path per
action (`actions`), the scheduled sweeps (`tasks`) and the demo messages (`demo`).

Nothing outside `actions` (and registration, which takes its target from the table)
changes a message's status.
"""
