"""The demo's console is read by a person: plain log lines, not production's JSON, and no
access line per request beside runserver's own."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def demo_log_output(tmp_path, **environment) -> str:
    code = ("import django; django.setup(); import logging; "
            "logging.getLogger('pos.check').warning('hello'); "
            "logging.getLogger('pos.request').info('request')")
    inherited = {key: value for key, value in os.environ.items()
                 if key not in ("POS_LOG_FORMAT", "POS_ACCESS_LOG", "DATABASE_URL")}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "pos_site.settings.dev",
           "POS_VAR_DIR": str(tmp_path), **environment}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stderr


def test_the_demo_logs_plain_lines_without_access_lines(tmp_path):
    output = demo_log_output(tmp_path)
    assert " WARNING pos.check [-] hello" in output
    assert not output.lstrip().startswith("{")
    assert "request" not in output.replace("[-]", "")


def test_json_lines_and_access_lines_on_request(tmp_path):
    output = demo_log_output(tmp_path, POS_LOG_FORMAT="json", POS_ACCESS_LOG="1")
    assert '"message": "hello"' in output and '"message": "request"' in output
