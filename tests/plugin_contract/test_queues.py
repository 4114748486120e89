"""The example plugin's staff side, end to end: its queue in the curators' menu and its
list, its column in every export, its link in the "Processing oversight" group; each
limited to the regions where the plugin is on."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import Role, Status
from cms.permissions.grants import grant_role
from cms.staff_admin.oversight import OversightGroup
from cms.staff_admin.plugin_extensions import PluginMenuItem
from tests.example_plugin.queues import (
    EXPORT_COLUMN,
    MENU_LABEL,
    QUEUE_KEY,
    QUEUE_LABEL,
    REGION_COLUMN,
)
from tests.workflow.builders import demo_staff, fresh, message, other_region

QUEUE_URL = f"/admin/queues/{QUEUE_KEY}/"
MESSAGE_LINK = re.compile(r'href="/admin/messages/(\d+)/"')


def listed(page: str) -> set[int]:
    return {int(pk) for pk in MESSAGE_LINK.findall(page)}


def get_counting(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response
    return response, len(captured.captured_queries)


def sidebar_menu(client) -> list:
    """The admin sidebar's main menu as Wagtail serialises it (telepath JSON)."""
    page = client.get("/admin/").content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)'
                      r"</script>", page, re.S)
    return json.loads(props.group(1))


def links_by_group(node, group=None, found=None) -> dict[str, set[str]]:
    """Every link's URL under the label of the submenu that holds it."""
    found = {} if found is None else found
    if isinstance(node, dict):
        args = node.get("_args")
        if node.get("_type") == "wagtail.sidebar.SubMenuItem" and args:
            group = args[0]["label"]
        if node.get("_type") == "wagtail.sidebar.LinkMenuItem" and args:
            found.setdefault(group, set()).add(args[0]["url"])
        for value in node.values():
            links_by_group(value, group, found)
    elif isinstance(node, list):
        for value in node:
            links_by_group(value, group, found)
    return found


@pytest.fixture
def curator(demo):
    """The demo curator, curator of a second region too (where the plugin stays on)."""
    user = demo_staff()["curator"]
    grant_role(user, other_region().organisations.get(), Role.CURATOR)
    return fresh(user)


def test_hook_staff_queues(client, demo, curator):
    rejected_here = {message(Status.REJECTED).pk for _ in range(2)}
    rejected_there = message(Status.REJECTED, "other-org", region=other_region()).pk
    in_work_here = message(Status.IN_WORK).pk
    client.force_login(curator)

    assert QUEUE_URL in links_by_group(sidebar_menu(client))["Сообщения"]
    client.get(QUEUE_URL)  # the process's memory of the role is filled once
    response, few = get_counting(client, QUEUE_URL)
    page = response.content.decode()
    assert QUEUE_LABEL in page
    assert listed(page) == rejected_here | {rejected_there}
    assert in_work_here not in listed(page)
    assert str(REGION_COLUMN.label) in page and "region:demo" in page
    for _ in range(4):
        message(Status.REJECTED)
    response, many = get_counting(client, QUEUE_URL)
    assert len(listed(response.content.decode())) == 7
    assert few == many

    demo.disabled_plugins = ["example"]
    demo.save()
    assert listed(client.get(QUEUE_URL).content.decode()) == {rejected_there}


def test_the_example_queue_is_only_for_curators(client, demo):
    message(Status.REJECTED)
    client.force_login(demo_staff()["moderator"])
    assert QUEUE_URL not in str(links_by_group(sidebar_menu(client)))
    assert client.get(QUEUE_URL).status_code in (302, 403)


def exported(client, url) -> tuple[dict[str, dict[str, str]], int]:
    """The export's rows by their first cell (the number), each row by heading."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"export": "csv"})
        # The rows are read while the file streams.
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}, len(
        captured.captured_queries)


def test_hook_appeal_export_columns(client, demo, curator):
    heading = str(EXPORT_COLUMN.label)
    here = message(Status.REJECTED)
    there = message(Status.REJECTED, "other-org", region=other_region())
    client.force_login(curator)

    exported(client, "/admin/queues/region/")  # the process's memory of the role is filled once
    rows, few = exported(client, "/admin/queues/region/")
    assert rows[here.number][heading] == "from:demo"
    # The queue's own column is exported too, after the core's.
    example_rows, _queries = exported(client, QUEUE_URL)
    assert {row[str(REGION_COLUMN.label)] for row in example_rows.values()} == {
        "region:demo", "region:other"}

    for _ in range(4):
        message(Status.REJECTED)
    more_rows, many = exported(client, "/admin/queues/region/")
    assert len(more_rows) == len(rows) + 4
    assert few == many

    demo.disabled_plugins = ["example"]
    demo.save()
    rows, _queries = exported(client, "/admin/queues/region/")
    # An empty cell is empty in the exports, as in every other column.
    assert rows[here.number][heading] == ""
    assert rows[there.number][heading] == "from:other"


def test_hook_admin_menu_items(client, demo):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    groups = links_by_group(sidebar_menu(client))
    assert "/admin/example-plugin/" in groups["Контроль обработки"]
    assert not any("/admin/example-plugin/" in links for label, links in groups.items()
                   if label != "Контроль обработки")
    page = client.get("/admin/example-plugin/")
    assert page.status_code == 200 and b'id="example-admin-page"' in page.content

    for username in ("moderator", "editor"):
        client.force_login(demo_staff()[username])
        assert "/admin/example-plugin/" not in str(links_by_group(sidebar_menu(client)))


def test_the_example_link_follows_the_oversight_groups_own_items(rf, demo):
    items = OversightGroup().get_submenu_items()
    link = next(item for item in items if isinstance(item, PluginMenuItem))
    assert link.label == MENU_LABEL
    assert link.order > max(item.order for item in items if item is not link)
    request = rf.get("/admin/")
    request.user = demo_staff()["editor"]
    assert not link.is_shown(request)
