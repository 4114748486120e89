"""The scripted faults, run during the load, each with what happened and how long the stack
took to answer /health/ 200 again without anyone's help.

1. kill a qcluster worker while it delivers: the worker process (a child of a cluster's
   sentinel) that holds a connection to the SMTP sink right now gets SIGKILL; its sentinel
   must start a new one;
2. stop the SMTP sink for a minute, then start it again (as systemd's Restart= would);
3. restart Redis (cache and broker): SHUTDOWN (it saves its data, as a service stop
   does) and start it again with the same command line;
4. restart PostgreSQL (the run's own cluster): `pg_ctl restart -m fast`.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import psutil

from . import services
from .paths import Layout

# Waiting longer would push the next steps past the load's end (seen at 8/s, when
# /health/ itself queued behind the load for minutes).
RECOVERY_TIMEOUT = 60


@dataclass
class FaultResult:
    name: str
    started: float = 0.0
    ended: float = 0.0
    recovered_in: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def window_end(self) -> float:
        """Until when the fault's consequences are counted (its recovery and 10 s more)."""
        return self.ended + (self.recovered_in or RECOVERY_TIMEOUT) + 10


def qcluster_processes(layout: Layout) -> dict[int, list[psutil.Process]]:
    """Each cluster's main pid and the processes under it (sentinel, workers, monitor,
    pusher)."""
    clusters = {}
    for pidfile in sorted((layout.stack_dir / "run").glob("qcluster-*.pid")):
        pid = services.pid_of(pidfile)
        if pid is not None:
            clusters[pid] = psutil.Process(pid).children(recursive=True)
    return clusters


def delivering(process: psutil.Process, smtp_port: int) -> bool:
    try:
        return any(
            conn.raddr and conn.raddr.port == smtp_port
            for conn in process.net_connections(kind="tcp")
        )
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def claimed_notifications(layout: Layout) -> str:
    """The outbox rows some worker has claimed and not yet recorded as sent."""
    return subprocess.run(
        [
            "psql",
            layout.stack_database_url,
            "-tAc",
            "SELECT string_agg(id::text, ', ') FROM cms_notification WHERE state = 'sending'",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def kill_worker_while_delivering(layout: Layout, result: FaultResult) -> None:
    deadline = time.monotonic() + 60
    victim = None
    while victim is None and time.monotonic() < deadline:
        for main_pid, children in qcluster_processes(layout).items():
            for process in children:
                if delivering(process, layout.smtp_port):
                    victim = (main_pid, process)
                    break
            if victim:
                break
        else:
            time.sleep(0.005)
    if victim is None:
        result.notes.append(
            "no worker was connected to the SMTP sink within 60 s: nothing killed"
        )
        return
    main_pid, process = victim
    before = {child.pid for child in qcluster_processes(layout).get(main_pid, [])}
    process.send_signal(signal.SIGKILL)
    result.notes.append(
        f"SIGKILL to worker pid {process.pid} of cluster {main_pid} while "
        "it was connected to the SMTP sink"
    )
    result.notes.append(
        "outbox rows claimed (sending) right after the kill: "
        f"{claimed_notifications(layout) or 'none'}"
    )
    # The sentinel's new worker is a process of the cluster that was not there before
    # the kill (a worker recycled meanwhile counts too: the cluster is working).
    respawned = []
    waited_until = time.monotonic() + 30
    while not respawned and time.monotonic() < waited_until:
        time.sleep(0.25)
        respawned = [child.pid for child in qcluster_processes(layout).get(main_pid, [])
                     if child.pid not in before]
    result.notes.append(
        f"the cluster's sentinel started a new worker: {respawned}"
        if respawned
        else "no new worker within 30 s"
    )


def smtp_outage(layout: Layout, result: FaultResult, seconds: float) -> None:
    pidfile = layout.stack_dir / "run" / "smtp-sink.pid"
    pid = services.pid_of(pidfile)
    if pid is None:
        result.notes.append("the SMTP sink was not running")
        return
    process = psutil.Process(pid)
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    result.notes.append(f"SMTP sink (pid {pid}) stopped for {seconds:.0f} s")
    time.sleep(seconds)
    new_pid = services.run_unit(layout, "pos-smtp-sink.service", "smtp-sink")
    result.notes.append(f"started again (pid {new_pid})")


def restart_redis(layout: Layout, result: FaultResult) -> None:
    run = layout.stack_dir / "run"
    pid = services.pid_of(run / "redis.pid")
    if pid is None:
        result.notes.append(
            "the stack's own Redis was not running (is it the machine's?): "
            "not restarted"
        )
        return
    began = time.monotonic()
    subprocess.run(
        ["redis-cli", "-p", str(layout.redis_port), "shutdown"],
        capture_output=True,
        check=False,
    )
    try:
        psutil.Process(pid).wait(30)
    except psutil.NoSuchProcess:
        pass
    # The command line scripts/stack starts it with (redis rewrites its own argv, so the
    # running process cannot tell it).
    subprocess.run(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(layout.redis_port),
            "--daemonize",
            "yes",
            "--pidfile",
            str(run / "redis.pid"),
            "--dir",
            str(layout.stack_dir),
            "--logfile",
            str(layout.stack_dir / "log" / "redis.log"),
        ],
        check=True,
    )
    for _ in range(100):
        if (
            subprocess.run(
                ["redis-cli", "-p", str(layout.redis_port), "ping"], capture_output=True
            ).returncode
            == 0
        ):
            break
        time.sleep(0.1)
    result.notes.append(
        f"Redis (pid {pid}) shut down (saving its data) and answered "
        f"again after {time.monotonic() - began:.1f} s"
    )


def restart_postgres(layout: Layout, result: FaultResult) -> None:
    began = time.monotonic()
    services.restart_postgres(layout)
    result.notes.append(f"pg_ctl restart -m fast took {time.monotonic() - began:.1f} s")


def schedule(
    minutes: float, ramp: float, smtp_seconds: float
) -> list[tuple[float, str]]:
    """(seconds after the load started, fault) for a run of `minutes` after `ramp`."""
    span = minutes * 60
    return [
        (ramp + 0.10 * span, "kill a qcluster worker while it delivers"),
        (ramp + 0.25 * span, f"stop the SMTP server for {smtp_seconds:.0f} s"),
        (ramp + 0.50 * span, "restart Redis"),
        (ramp + 0.70 * span, "restart PostgreSQL"),
    ]


def run_faults(
    layout: Layout,
    started: float,
    plan: list[tuple[float, str]],
    smtp_seconds: float,
    stop: threading.Event,
) -> list[FaultResult]:
    steps = {
        "kill": kill_worker_while_delivering,
        "stop": lambda layout, result: smtp_outage(layout, result, smtp_seconds),
        "restart Redis": restart_redis,
        "restart PostgreSQL": restart_postgres,
    }
    results = []
    for offset, name in plan:
        while time.time() < started + offset:
            if stop.wait(0.5):
                return results
        step = next(function for key, function in steps.items() if name.startswith(key))
        result = FaultResult(name, started=time.time())
        services.log(f"fault: {name}")
        try:
            step(layout, result)
        except Exception as error:  # noqa: BLE001 - a failed step is reported, not fatal
            result.notes.append(
                f"the step itself failed: {type(error).__name__}: {error}"
            )
        result.ended = time.time()
        result.recovered_in = services.wait_healthy(layout, RECOVERY_TIMEOUT)
        services.log(
            f"fault done: {name}: {'; '.join(result.notes)}; /health/ 200 after "
            f"{result.recovered_in}"
        )
        results.append(result)
    return results
