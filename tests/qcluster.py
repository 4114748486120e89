"""A real django-q2 worker (`manage.py qcluster`) on the test database, for integration
tests: started in its own session, stopped with SIGINT to its main PID (SIGTERM to its
process group hangs it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


@contextmanager
def running_qcluster(environ: dict[str, str], log_path: Path):
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"], cwd=Path(settings.BASE_DIR),
            env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: only its children
                process.wait()
