"""The staff message page's cost (issue 17): at most 15 queries, the same whether the
organisation has 1 or 30 messages (similar ones among them, which the duplicates panel
lists), for each role that opens it from its queue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import Status
from tests.queues.test_queues import bulk_messages
from tests.workflow.builders import demo_staff, message

MESSAGE_PAGE_BUDGET = 15

# Who opens which message from their queue: (status, organisation).
OPENERS = {
    "moderator": (Status.ON_MODERATION, "cur"),
    "coordinator": (Status.SENT_TO_ORGANISATION, "adm-gorsk"),
    "head": (Status.ON_APPROVAL, "adm-gorsk"),
    "curator": (Status.IN_WORK, "adm-gorsk"),
}


def page_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def opened_with_1_then_30_similar(client, username) -> tuple[list[str], list[str]]:
    """The page's queries with 1 similar message beside it, then with 30 (the
    duplicates panel shows in both)."""
    status, organisation = OPENERS[username]
    opened = message(status, organisation, text="Сообщение 1")
    bulk_messages(1, status, organisation)
    client.force_login(demo_staff()[username])
    url = f"/admin/messages/{opened.pk}/"
    client.get(url)  # the process's first request reads what it then remembers
    one = page_queries(client, url)
    bulk_messages(29, status, organisation)
    return one, page_queries(client, url)


@pytest.mark.parametrize("username", list(OPENERS))
def test_the_message_page_costs_the_same_for_1_or_30_similar_messages(username, client,
                                                                       demo):
    one, thirty = opened_with_1_then_30_similar(client, username)
    assert len(one) == len(thirty), "\n".join(thirty)


WITHIN_BUDGET = list(OPENERS)


@pytest.mark.parametrize("username", WITHIN_BUDGET)
def test_the_message_page_in_at_most_15_queries(username, client, demo):
    """The harness's message_page scenario is the coordinator's (a message of the
    inbox); the moderator's page has the rejection and change-category forms (their
    choices remembered per region version), the head's the waiting draft to decide on
    (read with the history's answers and postponements). Within the budget with the
    admin shell's middleware (cms.staff_admin.shell) in the settings and the policy's
    grant ids answering `_staff_parties`."""
    _one, thirty = opened_with_1_then_30_similar(client, username)
    assert len(thirty) <= MESSAGE_PAGE_BUDGET, "\n".join(thirty)
