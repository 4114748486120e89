"""The operator's commands: seed_demo and pos_plugins."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.models import Region

DEMO_ACCOUNTS = ("editor", "moderator", "coordinator", "executor", "head", "curator",
                 "citizen", "admin", "national")


def test_seed_demo_refuses_outside_the_demo(db, settings):
    settings.POS_DEMO = False
    with pytest.raises(CommandError, match="only in the demo"):
        call_command("seed_demo")


def test_seed_demo_creates_one_account_per_role_and_is_idempotent(demo, settings):
    settings.POS_DEMO = True
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Region.objects.filter(code="demo").count() == 1
    for username in DEMO_ACCOUNTS:
        assert authenticate(username=username, password="demo") is not None, username
    assert "editor, moderator, coordinator, executor, head, curator, citizen, admin, national" in (
        out.getvalue()
    )


def test_pos_plugins_lists_the_core_as_on_whatever_a_region_says(demo, core_only):
    demo.disabled_plugins = ["core"]
    demo.save()
    out = StringIO()
    call_command("pos_plugins", stdout=out)
    text = out.getvalue()
    assert text.startswith("core (essential)")
    hooks = text.split("hooks: ", 1)[1].split("\n", 1)[0].split(", ")
    assert {"appeal_deadline", "choose_addressee", "postponement_limit"} <= set(hooks)
    assert "region demo: on" in text


def test_every_demo_staff_account_reaches_the_admin(demo, settings, client):
    settings.POS_DEMO = True
    call_command("seed_demo", stdout=StringIO())
    for username in ("editor", "moderator", "coordinator", "executor", "head", "curator",
                     "admin", "national"):
        client.logout()
        response = client.post("/admin/login/", {"username": username, "password": "demo"},
                               follow=True)
        assert response.status_code == 200
        assert response.request["PATH_INFO"] == "/admin/", f"{username} could not log in"
