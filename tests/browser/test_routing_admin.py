"""The routing admin in a browser: the "try it" form and the rule editor."""

from __future__ import annotations

import pytest

from cms.models import Category, Subcategory
from plugins.routing.models import RoutingRule
from tests import factories

PASSWORD = "pw"  # what tests.factories.user sets


@pytest.fixture
def editor(transactional_db, demo):
    return factories.user("routing-admin", is_staff=True, is_superuser=True)


def try_it_url(live_server, subcategory: str, territory: str) -> str:
    sub = Subcategory.objects.get(code=subcategory)
    return (f"{live_server.url}/admin/routing/try/?region={factories.demo_region().pk}"
            f"&category={sub.category_id}&subcategory={sub.pk}"
            f"&territory={factories.territory(territory).pk}&channel=portal")


def test_try_it_shows_the_addressee(editor, admin_login, live_server):
    page = admin_login("routing-admin", PASSWORD)
    page.goto(f"{live_server.url}/admin/routing/try/")
    sub = Subcategory.objects.get(code="01.01")
    page.select_option("select[name=category]", str(sub.category_id))
    page.select_option("select[name=subcategory]", str(sub.pk))
    page.select_option("select[name=territory]", str(factories.territory("gorsk-leninsky").pk))
    page.select_option("select[name=channel]", "portal")
    page.click("main form[method=get] button[type=submit]")
    organisation = page.locator("[data-routing-organisation]")
    assert organisation.inner_text() == str(factories.organisation("dorhoz-gorsk"))
    assert "roads-gorsk" in page.locator("[data-routing-explanation]").inner_text()


def test_a_rule_made_in_the_editor_is_listed_and_used(editor, admin_login, live_server):
    page = admin_login("routing-admin", PASSWORD)
    page.goto(f"{live_server.url}/admin/routing/routingrule/create/")
    page.select_option("select[name=region]", str(factories.demo_region().pk))
    page.fill("input[name=code]", "roads-leninsky-browser")
    page.select_option("select[name=category]", str(Category.objects.get(code="01").pk))
    page.select_option("select[name=territory]", str(factories.territory("gorsk-leninsky").pk))
    page.select_option("select[name=organisation]", str(factories.organisation("adm-gorsk").pk))
    page.click('form[action$="/routingrule/create/"] button[type=submit]')
    page.wait_for_url(f"{live_server.url}/admin/routing/routingrule/")
    page.goto(f"{live_server.url}/admin/routing/routingrule/?q=roads-leninsky-browser")
    assert page.get_by_text("roads-leninsky-browser", exact=True).is_visible()
    assert RoutingRule.objects.get(code="roads-leninsky-browser").organisation.code == "adm-gorsk"
    # The deeper rule now answers for the district.
    page.goto(try_it_url(live_server, "01.01", "gorsk-leninsky"))
    assert page.locator("[data-routing-organisation]").inner_text() == str(
        factories.organisation("adm-gorsk"))
