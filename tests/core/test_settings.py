"""Settings: production refuses to start without its secrets; the project is consistent."""

import os
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command

PRODUCTION_CHECK = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='pos_site.settings.production'; "
    "django.setup(); print('started')"
)


def run_python(code: str, **env_changes) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_secret_key():
    result = run_python(PRODUCTION_CHECK)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_secret_key():
    result = run_python(PRODUCTION_CHECK, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_has_no_demo_accounts():
    result = run_python(
        PRODUCTION_CHECK + "; from django.conf import settings; print(settings.POS_DEMO)",
        SECRET_KEY="x" * 50,
    )
    assert result.stdout.split() == ["started", "False"]


def test_russian_is_the_default_language_and_english_available():
    assert settings.LANGUAGE_CODE == "ru"
    assert [code for code, _name in settings.LANGUAGES] == ["ru", "en"]


def test_no_model_change_lacks_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")
