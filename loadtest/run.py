"""`bash scripts/loadtest [--minutes 10] [--faults|--no-faults] [--rate 8]`: the load
(and fault) run of issue 16, from nothing to the printed report.

It starts the run's own PostgreSQL cluster (the stack's and the identity provider's
databases; new ones with --fresh), the development OpenID Connect provider as a process
of its own with the run's citizens, and the stack (scripts/stack) on its own port,
directory, Redis and SMTP sink; seeds the demo region; runs locust headless with the
mixed profile (and the fault steps, at fixed points of the run); waits for the worker
queue to drain; checks what the database and the SMTP sink hold; prints the report
(also in var/loadtest/out/report.txt) and exits 1 when a check failed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from . import checks, faults, report, services
from .paths import ROOT, Layout

# Seconds between one citizen's submissions: 8 in a 10-minute window stays under the
# default limit of 10 per citizen (cms.submission.ratelimit).
CITIZEN_PACING = 75
WIDGET_VISITORS = 2


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/loadtest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=10,
        help="minutes of load after the citizens' first round (default 10)",
    )
    parser.add_argument(
        "--faults",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the fault steps during the load (default: yes)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=8,
        help="submissions per second to offer (default 8: ten times the "
        "national peak, about 500 a minute)",
    )
    parser.add_argument(
        "--staff-per-role",
        type=int,
        default=2,
        help="moderators, coordinators and executors each (default 2)",
    )
    parser.add_argument(
        "--smtp-outage",
        type=float,
        default=60,
        help="seconds the SMTP server is down (default 60)",
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=None,
        help="seconds to wait for the queue to drain (default 120, or 660 "
        "with faults: a delivery that failed waits for the outbox's "
        "10-minute sweep)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop the stack's and the provider's databases first",
    )
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="leave the stack, the provider and PostgreSQL running",
    )
    return parser.parse_args(argv)


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average and CPU use every 10 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.loads: list[float] = []
        self.cpu: list[float] = []

    def run(self):
        psutil.cpu_percent(None)
        while not self.stop.wait(10):
            self.loads.append(os.getloadavg()[0])
            self.cpu.append(psutil.cpu_percent(None))

    def summary(self) -> dict:
        loads = self.loads or [os.getloadavg()[0]]
        return {
            "min": min(loads),
            "mean": statistics.mean(loads),
            "max": max(loads),
            "cpu": statistics.mean(self.cpu) if self.cpu else 0.0,
        }


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def fresh_start(layout: Layout, fresh: bool) -> None:
    if layout.env_file.exists():
        services.stack_command(layout, "stop")
    services.stop_idp(layout)
    shutil.rmtree(layout.out, ignore_errors=True)
    layout.out.mkdir(parents=True)
    shutil.rmtree(layout.mail_dir, ignore_errors=True)
    (layout.stack_dir / "dump.rdb").unlink(missing_ok=True)
    services.start_postgres(layout)
    # A database kept from an earlier run only saves the migrations: the checks look
    # at this run's markers and at what was written since it started.
    services.ensure_database(layout.stack_database_url, fresh)
    services.ensure_database(layout.idp_database_url, fresh)


def stop_everything(layout: Layout) -> None:
    services.stack_command(layout, "stop")
    services.stop_idp(layout)
    services.stop_postgres(layout)


def main(argv: list[str]) -> int:
    args = parse(argv)
    layout = Layout.from_env()
    citizens = math.ceil(args.rate * CITIZEN_PACING)
    users = citizens + 3 * args.staff_per_role + WIDGET_VISITORS
    drain_timeout = args.drain_timeout or (660 if args.faults else 120)
    run_id = f"r{int(time.time()):x}"

    services.log(
        f"run {run_id}: {citizens} citizens, {args.staff_per_role} staff per role, "
        f"{WIDGET_VISITORS} widget visitors, {args.minutes:g} min, "
        f"faults {'on' if args.faults else 'off'}"
    )
    fresh_start(layout, args.fresh)
    password = secrets.token_urlsafe(12)
    services.log("the identity provider: migrate, citizens, serve")
    services.start_idp(layout, citizens, password)
    services.log("the stack (scripts/stack)")
    services.stack_command(layout, "start")
    services.log("seed the stack")
    services.stack_python(layout, "-m", "loadtest.seed", str(layout.out / "plan.json"))

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOADTEST_PLAN": str(layout.out / "plan.json"),
        "LOADTEST_OUT": str(layout.out),
        "LOADTEST_RUN": run_id,
        "LOADTEST_IDP": layout.idp_url,
        "LOADTEST_CITIZEN_PASSWORD": password,
        "LOADTEST_CITIZEN_PACING": str(CITIZEN_PACING),
        "LOADTEST_STAFF_PER_ROLE": str(args.staff_per_role),
        "LOADTEST_WIDGET_VISITORS": str(WIDGET_VISITORS),
    }
    # The citizens start within one pacing period (the ramp); the run lasts --minutes more.
    duration = int(CITIZEN_PACING + args.minutes * 60)
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        "50",
        "-t",
        f"{duration}s",
        "--host",
        layout.stack_url,
        "--csv",
        str(layout.out / "locust"),
        "--only-summary",
        # Longer than nginx's 60 s: a submission still waiting when the load stops
        # gets its answer recorded (with 30 s, three were registered unrecorded).
        "--stop-timeout",
        "75",
        "--loglevel",
        "WARNING",
    ]
    sampler = LoadSampler()
    sampler.start()
    stop = threading.Event()
    fault_results: list[faults.FaultResult] = []
    started = time.time()
    services.log(f"locust: {users} users for {duration} s")
    with open(layout.out / "locust.log", "wb") as locust_log:
        locust = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=locust_log, stderr=subprocess.STDOUT
        )
        fault_thread = None
        if args.faults:
            plan = faults.schedule(args.minutes, CITIZEN_PACING, args.smtp_outage)
            fault_thread = threading.Thread(
                target=lambda: fault_results.extend(
                    faults.run_faults(layout, started, plan, args.smtp_outage, stop)
                ),
                daemon=True,
            )
            fault_thread.start()
        locust.wait()
    stop.set()
    if fault_thread is not None:
        fault_thread.join(RUN_JOIN_TIMEOUT)
    sampler.stop.set()
    load = sampler.summary()

    services.log(
        f"load over; waiting up to {drain_timeout:.0f} s for the queue to drain"
    )
    services.stack_python(
        layout,
        "-m",
        "loadtest.collect",
        run_id,
        str(started),
        str(drain_timeout),
        str(layout.out / "collected.json"),
    )
    collected = json.loads((layout.out / "collected.json").read_text(encoding="utf-8"))
    attempts = read_jsonl(layout.out / "submissions.jsonl")
    errors = read_jsonl(layout.out / "server_errors.jsonl")
    rows = report.request_rows(layout.out / "locust_stats.csv")
    total = next(
        (int(row["Request Count"]) for row in rows if row["Name"] == "Aggregated"), 0
    )
    results = [
        checks.check_no_server_errors(errors, total),
        checks.check_submissions(attempts, collected["appeals"]),
        checks.check_notifications(
            collected["notifications"], checks.read_maildir(layout.mail_dir)
        ),
        checks.check_drained(collected["drain"]),
    ]
    text = report.render(
        settings=[
            f"run {run_id}: offered {args.rate:g} submissions/s ({citizens} citizens, "
            f"one submission each every {CITIZEN_PACING} s, one in five through the "
            f"widget, each with a 1600×1200 JPEG), {args.staff_per_role} moderators, "
            f"coordinators and executors (one action every 4 s each), "
            f"{WIDGET_VISITORS} widget visitors; {duration} s of load "
            f"({CITIZEN_PACING} s ramp + {args.minutes:g} min); faults "
            f"{'on' if args.faults else 'off'}"
        ],
        rows=rows,
        attempts=attempts,
        started=started,
        checks=results,
        faults=fault_results if args.faults else None,
        errors=errors,
        load=load,
    )
    (layout.out / "report.txt").write_text(text, encoding="utf-8")
    print(text, flush=True)
    if not args.keep_running:
        stop_everything(layout)
    return 0 if all(check.ok for check in results) else 1


RUN_JOIN_TIMEOUT = 300

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
