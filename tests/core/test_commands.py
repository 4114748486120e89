"""The operator's commands: seed_demo and pos_plugins."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.models import Region

DEMO_ACCOUNTS = ("editor", "moderator", "coordinator", "executor", "head", "curator",
                 "citizen", "admin")


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
    assert "editor, moderator, coordinator, executor, head, curator, citizen, admin" in (
        out.getvalue()
    )


def test_pos_plugins_lists_plugins_hooks_and_region_state(demo):
    demo.disabled_plugins = ["rating"]
    demo.save()
    out = StringIO()
    call_command("pos_plugins", stdout=out)
    text = out.getvalue()
    assert "core (essential)" in text
    core_hooks = set(text.split("hooks: ", 1)[1].split("\n", 1)[0].split(", "))
    assert {"appeal_deadline", "choose_addressee", "event_kinds",
            "postponement_limit"} <= core_hooks
    rating_block = text.split("rating", 1)[1].split("reports", 1)[0]
    assert "region demo: off" in rating_block
    routing_block = text.split("routing", 1)[1].split("fasttrack", 1)[0]
    assert "region demo: on" in routing_block


def test_every_demo_staff_account_reaches_the_admin(demo, settings, client):
    settings.POS_DEMO = True
    call_command("seed_demo", stdout=StringIO())
    for username in ("editor", "moderator", "coordinator", "executor", "head", "curator",
                     "admin"):
        client.logout()
        response = client.post("/admin/login/", {"username": username, "password": "demo"},
                               follow=True)
        assert response.status_code == 200
        assert response.request["PATH_INFO"] == "/admin/", f"{username} could not log in"
