"""The example plugin's scheduled task: it only counts its runs (in this process)."""

runs = 0


def count_runs_task() -> int:
    global runs
    runs += 1
    return runs
