"""Production settings read from the environment: a deployment on plain HTTP (the loopback
stack, the side-by-side bench harness) says so once, with SECURE_COOKIES=0."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_settings(**environment) -> dict:
    code = ("import json; from django.conf import settings as s; "
            "print(json.dumps({'redirect': s.SECURE_SSL_REDIRECT, "
            "'session_secure': s.SESSION_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS}))")
    inherited = {key: value for key, value in os.environ.items()
                 if key not in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT")}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "pos_site.settings.production",
           "SECRET_KEY": "x" * 60, **environment}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("environment, redirect", [
    ({}, True),
    ({"SECURE_COOKIES": "0"}, False),
    ({"SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "1"}, True),
    ({"SECURE_SSL_REDIRECT": "0"}, False),
])
def test_plain_http_is_not_redirected_to_https(environment, redirect):
    assert production_settings(**environment)["redirect"] is redirect
