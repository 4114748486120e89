"""The staff queues' cost (issue 17): at most 12 queries for each role's queue, the same
for 1 and 30 messages, the queue counted once; and what the admin shell remembers per role
(cms/staff_admin/shell.py) is seen changed by the very next request."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import GroupPagePermission, Page
from wagtail.users.models import UserProfile

from cms.models import Organisation, Role, Territory
from cms.permissions.groups import ROLE_GROUP_NAMES
from tests.queues.test_queues import QUEUE_USERS, bulk_messages
from tests.workflow.builders import demo_staff, fresh

QUEUE_QUERY_BUDGET = 12
MESSAGE_LINK = re.compile(r'href="/admin/messages/(\d+)/"')


def captured_get(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def queue_setup(queue):
    username, status, organisation = QUEUE_USERS[queue]
    user = demo_staff()[username]
    executor = user if queue == "mine" else None
    return user, lambda count: bulk_messages(count, status, organisation, executor,
                                             overdue=queue == "overdue")


@pytest.mark.parametrize("queue", list(QUEUE_USERS))
def test_each_roles_queue_in_at_most_12_queries_for_1_or_30_messages(queue, client, demo):
    user, add_messages = queue_setup(queue)
    client.force_login(user)
    url = f"/admin/queues/{queue}/"
    add_messages(1)
    client.get(url)  # the process's first request reads what it then remembers
    page, one = captured_get(client, url)
    assert len(set(MESSAGE_LINK.findall(page))) >= 1
    add_messages(29)
    page, thirty = captured_get(client, url)
    assert len(set(MESSAGE_LINK.findall(page))) >= 30
    assert len(one) == len(thirty), (queue, one, thirty)
    assert len(thirty) <= QUEUE_QUERY_BUDGET, "\n".join(thirty)


def test_the_inbox_is_counted_once_and_the_menu_says_the_same_number(client, demo):
    user, add_messages = queue_setup("inbox")
    add_messages(3)
    client.force_login(user)
    client.get("/admin/queues/inbox/")
    page, queries = captured_get(client, "/admin/queues/inbox/")
    inbox_counts = [sql for sql in queries
                    if "COUNT(" in sql and "'sent_to_organisation'" in sql
                    and "deadline" not in sql]
    assert len(inbox_counts) == 1, inbox_counts
    assert "Входящие организации (3)" in page.encode().decode("unicode_escape")


def test_the_rows_come_from_our_own_template(client, demo):
    user, add_messages = queue_setup("inbox")
    add_messages(2)
    client.force_login(user)
    page, _queries = captured_get(client, "/admin/queues/inbox/")
    # Sortable headers stay modeladmin's; each row links its message once in the number
    # cell and once in its "Open" button.
    assert "?o=" in page
    assert 'class="field-number_link title"' in page
    assert 'class="field-deadline_left"' in page


# --- what is remembered per role: seen changed by the very next request --------------


def filter_options(page: str, parameter: str) -> str:
    """The part of the filters panel that offers `parameter`'s choices."""
    start = page.index(f"?{parameter}=")
    return page[start - 2000:start + 4000]


def test_a_territory_renamed_in_the_admin_is_in_the_next_pages_filter(client, demo, admin_user):
    user, add_messages = queue_setup("inbox")
    add_messages(1)
    territory = Territory.objects.get(region=demo, code="gorsk")
    client.force_login(user)
    assert territory.name in client.get("/admin/queues/inbox/").content.decode()

    client.force_login(admin_user)
    edit = f"/admin/cms/territory/edit/{territory.pk}/"
    response = client.post(edit, {"name": "Новогорск", "code": territory.code,
                                  "kind": territory.kind})
    assert response.status_code == 302, response.content.decode()[:3000]

    client.force_login(user)
    page = client.get("/admin/queues/inbox/").content.decode()
    assert "Новогорск" in page


def test_an_organisation_added_is_offered_by_the_next_pages_filter(client, demo):
    user, add_messages = queue_setup("inbox")
    add_messages(1)
    client.force_login(user)
    client.get("/admin/queues/inbox/")
    Organisation.objects.create(region=demo, code="new-org", name="Совсем новая организация",
                                kind="other")
    assert "Совсем новая организация" in client.get("/admin/queues/inbox/").content.decode()


def sidebar(client) -> str:
    """The sidebar's menu as Wagtail serialises it (the pages explorer is "explorer")."""
    page = client.get("/admin/queues/inbox/").content.decode()
    return re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)'
                     r"</script>", page, re.DOTALL).group(1)


def test_a_page_permission_given_to_a_role_shows_the_pages_menu_next_request(client, demo):
    coordinator = demo_staff()["coordinator"]
    client.force_login(coordinator)
    assert "explorer" not in sidebar(client)
    group = coordinator.groups.get(name=ROLE_GROUP_NAMES[Role.COORDINATOR])
    GroupPagePermission.objects.create(
        group=group, page=Page.objects.get(depth=1),
        permission=Permission.objects.get(codename="change_page"))
    assert "explorer" in sidebar(client)


def test_a_group_permission_taken_away_is_refused_next_request(client, demo):
    coordinator = demo_staff()["coordinator"]
    client.force_login(coordinator)
    assert client.get("/admin/queues/inbox/").status_code == 200
    access = Permission.objects.get(codename="access_admin")
    groups = list(coordinator.groups.filter(permissions=access))
    assert groups and not fresh(coordinator).user_permissions.filter(pk=access.pk).exists()
    for group in groups:
        group.permissions.remove(access)
    assert client.get("/admin/queues/inbox/").status_code == 302


def test_the_admins_language_chosen_in_the_profile_is_the_next_pages(client, demo):
    coordinator = demo_staff()["coordinator"]
    client.force_login(coordinator)
    assert "Входящие организации" in client.get("/admin/queues/inbox/").content.decode()
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "en"
    profile.save()
    assert "Organisation inbox" in client.get("/admin/queues/inbox/").content.decode()
