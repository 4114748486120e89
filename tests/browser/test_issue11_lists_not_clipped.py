"""Finding 12 of issue 11: a list is readable at 1280 and 1920 px only if all of it
shows.
The admin's lists scroll sideways inside their column (admin.css, `.result-list`), and a
box that scrolls clips what overflows it: Wagtail's listing table has a negative bottom
margin, so its last row was cut in half inside the box (the moderation queue's third
message at 1280 px). tests/browser/test_admin_layout.py checks words and widths only."""

from __future__ import annotations

import pytest

from plugins.routing.models import RoutingRule
from tests import factories
from tests.browser.staff_steps import as_user, with_password
from tests.workflow.builders import message


# Each box between the table and the page that clips (overflow other than visible), and
# how much of the table it hides below its own bottom edge.
CLIPPED = """
table => {
  const bottom = table.getBoundingClientRect().bottom;
  const hidden = [];
  for (let box = table.parentElement; box && box.tagName !== 'MAIN';
       box = box.parentElement) {
    const style = getComputedStyle(box);
    if (style.overflowY === 'visible' && style.overflowX === 'visible') continue;
    const edge = box.getBoundingClientRect().bottom;
    if (bottom > edge + 1) hidden.push([box.className, Math.round(bottom - edge)]);
  }
  return hidden;
}
"""


@pytest.mark.parametrize("width", (1280, 1920))
@pytest.mark.parametrize("role, url", [("moderator", "/admin/queues/moderation/"),
                                       ("editor", "/admin/routing/routingrule/")])
def test_the_whole_list_shows_at_the_width(page, live_server, admin_login, demo, role,
                                           url, width):
    with_password((role,))
    for _ in range(3):
        message()
    RoutingRule.objects.create(region=demo, code="roads-gorsk-clip",
                               organisation=factories.organisation("adm-gorsk"),
                               priority=10)
    page.set_viewport_size({"width": width, "height": 900})
    as_user(page, admin_login, role)
    page.goto(f"{live_server.url}{url}")
    table = page.locator("table.listing").first
    assert table.locator("tbody tr").count() >= 1
    assert table.evaluate(CLIPPED) == []
