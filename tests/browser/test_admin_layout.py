"""The admin stays readable at 1280 and 1920 px (finding 12 of issue 11): queue tables
break lines between words only, the routing-rule list keeps its code column and edit
button whole, the rule form's selects stay inside the form, and the queue's filter panel
does not cover the last column. Screenshots go to /tmp/admin/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.routing.models import RoutingRule
from tests import factories
from tests.browser.staff_steps import as_user, with_password
from tests.workflow.builders import message

SHOTS = Path("/tmp/admin")
WIDTHS = (1280, 1920)

# For each element: does its text break inside a word? A line box starts where the
# previous one ended; a break is fine only where the text has a space.
BROKEN_WORDS = """
cells => cells.flatMap(cell => {
  const words = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const re = /\\S+/g;
    let match;
    while ((match = re.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) words.push(match[0]);
    }
  }
  return words;
})
"""


def shoot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.fixture
def staff(demo):
    return with_password(("moderator", "editor"))


@pytest.mark.parametrize("width", WIDTHS)
def test_queue_cells_break_between_words_only(page, live_server, admin_login, staff,
                                              width):
    for _ in range(3):
        message()
    page.set_viewport_size({"width": width, "height": 900})
    as_user(page, admin_login, "moderator")
    page.goto(f"{live_server.url}/admin/queues/moderation/")
    shoot(page, "queue", width)
    broken = page.eval_on_selector_all("table.listing tbody td", BROKEN_WORDS)
    assert broken == []
    # The filter panel does not lie over the table's last column.
    last = page.locator("table.listing thead th").last.bounding_box()
    filters = page.locator(".w-filter-panel, .changelist-filter, #changelist-filter, "
                           ".filterable__filters, .filters").first
    if filters.count() and filters.is_visible():
        box = filters.bounding_box()
        assert box["x"] >= last["x"] + last["width"] - 1 or (
            box["y"] >= last["y"] + last["height"] - 1)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_routing_rule_list_and_form_fit(page, live_server, admin_login, staff, width):
    demo = factories.demo_region()
    RoutingRule.objects.create(
        region=demo, code="roads-gorsk-leninsky-long",
        organisation=factories.organisation("adm-gorsk"), priority=10)
    page.set_viewport_size({"width": width, "height": 900})
    as_user(page, admin_login, "editor")
    page.goto(f"{live_server.url}/admin/routing/routingrule/")
    shoot(page, "rules", width)
    broken = page.eval_on_selector_all("table.listing tbody td", BROKEN_WORDS)
    assert broken == []
    edit = page.locator("table.listing tbody a[href*='/edit/']").first
    box = edit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert edit.evaluate("a => a.scrollWidth <= a.clientWidth + 1")

    edit.click()
    page.wait_for_load_state()
    shoot(page, "rule-form", width)
    form = page.locator("main form").first.bounding_box()
    for select in page.locator("main form select").all():
        if not select.is_visible():
            continue
        box = select.bounding_box()
        assert box["x"] + box["width"] <= min(form["x"] + form["width"], width) + 1
