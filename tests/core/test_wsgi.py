"""The WSGI entry point gunicorn loads."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_application_loaded_is_kept_out_of_the_collectors_full_passes():
    probe = ("import gc, pos_site.wsgi; "
             "print(gc.get_freeze_count(), len(gc.get_objects()))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=os.environ,
                            capture_output=True, text=True, timeout=120, check=True)
    frozen, tracked = map(int, result.stdout.split()[-2:])
    assert frozen > 50_000
    assert tracked < frozen // 10
