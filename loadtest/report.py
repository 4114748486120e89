"""The printed report: requests and percentiles per request type, the achieved rate, the
checks, each fault's result and the machine's load average."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from .checks import Check, errors_between
from .faults import FaultResult


def request_rows(stats_csv: Path) -> list[dict]:
    """locust's `<prefix>_stats.csv`: one row per request type, and the aggregate."""
    with open(stats_csv, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def latency_table(rows: list[dict]) -> list[str]:
    lines = [
        f"{'request':<40} {'count':>7} {'failed':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8}"
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        lines.append(
            f"{name[:40]:<40} {row['Request Count']:>7} {row['Failure Count']:>7} "
            f"{row['50%']:>8} {row['95%']:>8} {row['99%']:>8}"
        )
    return lines


def submission_rate(attempts: list[dict], started: float) -> list[str]:
    """Successful submissions per minute of the run, and the busiest and quietest minute."""
    per_minute = Counter(
        int((attempt["t"] - started) // 60)
        for attempt in attempts
        if attempt["outcome"] == "success"
    )
    if not per_minute:
        return ["successful submissions per minute: none"]
    minutes = range(max(per_minute) + 1)
    counts = [per_minute.get(minute, 0) for minute in minutes]
    return [
        "successful submissions per minute of the run: "
        + ", ".join(str(count) for count in counts),
        f"  total {sum(counts)}; best minute {max(counts)} ({max(counts) / 60:.1f}/s); "
        f"mean over the minutes after the first {sum(counts[1:]) / max(len(counts) - 1, 1):.0f}"
        "/min",
    ]


def fault_lines(
    results: list[FaultResult], errors: list[dict], started: float
) -> list[str]:
    lines = []
    for result in results:
        window = errors_between(errors, result.started, result.window_end)
        recovered = (
            f"/health/ 200 again {result.recovered_in:.1f} s after the step"
            if result.recovered_in is not None
            else "/health/ NOT 200 again within the timeout"
        )
        lines.append(
            f"- {result.name} (at +{result.started - started:.0f} s, step took "
            f"{result.ended - result.started:.1f} s): {recovered}; "
            f"{sum(1 for e in window if e['status'] >= 500)} answers of 5xx and "
            f"{sum(1 for e in window if e['status'] == 0)} without an answer "
            "from the step's start to 10 s after the recovery"
        )
        lines.extend(f"    {note}" for note in result.notes)
        names = Counter(
            f"{e['name']} -> {e['status'] or e['error'][:60]}" for e in window
        )
        lines.extend(f"    {count} × {name}" for name, count in names.most_common(5))
    return lines


def render(
    *,
    settings: list[str],
    rows: list[dict],
    attempts: list[dict],
    started: float,
    checks: list[Check],
    faults: list[FaultResult] | None,
    errors: list[dict],
    load: dict,
) -> str:
    lines = ["ПОС load run (issue 16)", *settings, ""]
    lines += latency_table(rows) + [""]
    lines += submission_rate(attempts, started) + [""]
    lines += ["checks:"]
    for check in checks:
        lines += ["  " + line for line in check.lines()]
    if faults is not None:
        lines += ["", "faults (each a scripted step during the load):"]
        lines += fault_lines(faults, errors, started) or ["  none ran"]
    lines += [
        "",
        f"load average (2 cores shared with other work) during the load: "
        f"min {load['min']:.2f}, mean {load['mean']:.2f}, max {load['max']:.2f} "
        f"(1-minute, sampled every 10 s); CPU busy {load['cpu']:.0f} %",
    ]
    return "\n".join(lines) + "\n"
