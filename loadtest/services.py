"""The run's own services and the stack's processes: start, stop, restart.

PostgreSQL is a cluster of the run's own (initdb into var/loadtest/pg, its own port) and
Redis the one scripts/stack starts when nothing answers on the run's port: restarting
either must not touch the machine's servers, which other work shares.
"""

from __future__ import annotations

import os
import shlex
import signal
import stat
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil

from .paths import ROOT, Layout

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def log(message: str) -> None:
    print(f"loadtest: {message}", flush=True)


# --- PostgreSQL -----------------------------------------------------------------------


def pg_bin(name: str) -> str:
    """The newest Debian PostgreSQL's binaries (initdb and pg_ctl are not on PATH there)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name),
    )
    return str(versions[-1] / name) if versions else name


def as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres account then.
    return (
        ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command
    )


def pg_ctl(layout: Layout, action: str, *extra: str) -> None:
    options = (
        f"-p {layout.pg_port} -k {layout.pg_data} -c listen_addresses=127.0.0.1 "
        "-c max_connections=200"
    )
    subprocess.run(
        as_postgres(
            [
                pg_bin("pg_ctl"),
                "-D",
                str(layout.pg_data),
                "-l",
                str(layout.base / "pg.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                action,
                *extra,
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_postgres(layout: Layout) -> None:
    layout.base.mkdir(parents=True, exist_ok=True)
    if not (layout.pg_data / "PG_VERSION").exists():
        layout.pg_data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # initdb runs as postgres, which must walk down to the cluster: a checkout
            # under `mktemp -d` is 0700. Traversal only (o+x), not listing.
            for folder in reversed(layout.pg_data.parents):
                mode = folder.stat().st_mode
                if not mode & stat.S_IXOTH:
                    folder.chmod(mode | stat.S_IXOTH)
                    log(f"let postgres through {folder} (o+x)")
            subprocess.run(
                ["chown", "-R", "postgres:postgres", str(layout.pg_data)], check=True
            )
            (layout.base / "pg.log").touch()
            subprocess.run(
                ["chown", "postgres:postgres", str(layout.base / "pg.log")], check=True
            )
        log(f"initdb {layout.pg_data}")
        subprocess.run(
            as_postgres(
                [
                    pg_bin("initdb"),
                    "-D",
                    str(layout.pg_data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if postgres_ready(layout):
        return
    pg_ctl(layout, "start")


def postgres_ready(layout: Layout) -> bool:
    return (
        subprocess.run(
            [pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(layout.pg_port), "-q"]
        ).returncode
        == 0
    )


def restart_postgres(layout: Layout) -> None:
    pg_ctl(layout, "restart", "-m", "fast")


def stop_postgres(layout: Layout) -> None:
    if postgres_ready(layout):
        pg_ctl(layout, "stop", "-m", "fast")


def ensure_database(url: str, fresh: bool) -> None:
    """Create the database (dropping it first when `fresh`)."""
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    if fresh:
        subprocess.run(
            ["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
            check=True,
        )
    exists = subprocess.run(
        ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


# --- processes ------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key] = value
    return env


def stack_python(layout: Layout, *args: str, capture: bool = True) -> str:
    """Run the project's Python with the stack's environment (its production settings)."""
    env = {**os.environ, **read_env_file(layout.env_file)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout if capture else ""


def pid_of(pidfile: Path) -> int | None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if psutil.pid_exists(pid) else None


def run_unit(layout: Layout, unit: str, name: str) -> int:
    """Start a rendered systemd unit's ExecStart detached, as scripts/stack does (and as
    systemd's Restart= would)."""
    rendered = layout.stack_dir / "rendered" / unit
    exec_start = next(
        line.split("=", 1)[1]
        for line in rendered.read_text().splitlines()
        if line.startswith("ExecStart=")
    )
    env = {**os.environ, **read_env_file(layout.env_file)}
    logfile = layout.stack_dir / "log" / f"{name}.log"
    # Started by a shell that exits at once: the process belongs to init, which reaps it
    # when scripts/stack stops it (a child of this run would stay a zombie, "running").
    started = subprocess.run(
        [
            "bash",
            "-c",
            f"setsid {exec_start} >>{shlex.quote(str(logfile))} 2>&1 "
            "</dev/null & echo $!",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(started.stdout.strip())
    (layout.stack_dir / "run" / f"{name}.pid").write_text(f"{pid}\n")
    return pid


# A load balancer's probe timeout: /health/ is answered by the same gunicorn workers as
# the load, so in the ramp's backlog it waits its turn for seconds.
HEALTH_PROBE_TIMEOUT = 10


def health(layout: Layout) -> int:
    try:
        with urllib.request.urlopen(f"{layout.stack_url}/health/",
                                    timeout=HEALTH_PROBE_TIMEOUT) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_healthy(layout: Layout, timeout: float) -> float | None:
    """Seconds until /health/ answered 200, or None when it did not within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if health(layout) == 200:
            return time.monotonic() - started
        time.sleep(0.25)
    return None


def stack_environment(layout: Layout) -> dict[str, str]:
    from cms.accounts.devprovider.conf import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    return {
        "STACK_DIR": str(layout.stack_dir),
        "STACK_PORT": str(layout.stack_port),
        "STACK_DATABASE_URL": layout.stack_database_url,
        "STACK_REDIS_URL": layout.redis_url,
        "STACK_SMTP_PORT": str(layout.smtp_port),
        "STACK_OIDC_ISSUER": f"{layout.idp_url}/dev-idp",
        "STACK_OIDC_CLIENT_ID": DEMO_CLIENT_ID,
        "STACK_OIDC_CLIENT_SECRET": DEMO_CLIENT_SECRET,
    }


def stack_command(layout: Layout, action: str) -> None:
    env = {**os.environ, **stack_environment(layout)}
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "stack"), action], cwd=ROOT, env=env, check=True
    )


# --- the identity provider ------------------------------------------------------------


def idp_environment(layout: Layout) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loadtest.idp_settings",
        "DATABASE_URL": layout.idp_database_url,
        "DATABASE_CONN_MAX_AGE": "60",
    }
    for name in ("REDIS_URL", "POS_OIDC_ISSUER", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return env


def start_idp(layout: Layout, citizens: int, password: str) -> None:
    """Migrate the provider's database, give it the run's citizens, serve it."""
    stop_idp(layout)
    env = idp_environment(layout)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run(
        [
            PYTHON,
            "-m",
            "loadtest.idp",
            str(citizens),
            password,
            f"{layout.stack_url}/accounts/callback/",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    pidfile = layout.base / "idp.pid"
    logfile = open(layout.base / "idp.log", "ab")  # noqa: SIM115
    subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{layout.idp_port}",
            "--workers",
            "2",
            "--pid",
            str(pidfile),
            "--timeout",
            "60",
            "pos_site.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=logfile,
        start_new_session=True,
    )
    url = f"{layout.idp_url}/dev-idp/.well-known/openid-configuration"
    for _ in range(120):
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the identity provider did not answer at {url}")


def stop_idp(layout: Layout) -> None:
    pid = pid_of(layout.base / "idp.pid")
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    try:
        psutil.Process(pid).wait(30)
    except psutil.NoSuchProcess:
        pass
