"""The admin: the rule list with its filters, the rule editor, the policy, the "try it" page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms.models import Category, Channel, Subcategory
from plugins.routing.models import RoutingRule
from tests import factories

RULES_URL = "/admin/routing/routingrule/"


@pytest.fixture
def admin_client(client, demo):
    client.force_login(factories.user("root", is_staff=True, is_superuser=True))
    return client


def try_it(client, subcategory="01.01", territory="gorsk-leninsky", **extra):
    sub = Subcategory.objects.get(code=subcategory)
    params = {
        "region": factories.demo_region().pk,
        "category": sub.category_id,
        "subcategory": sub.pk,
        "territory": factories.territory(territory).pk,
        "channel": Channel.PORTAL,
        **extra,
    }
    return client.get(reverse("routing_try"), params)


def test_the_rule_list_shows_the_rules(admin_client):
    response = admin_client.get(RULES_URL)
    assert response.status_code == 200
    assert "roads-gorsk" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        (lambda: {"category__id__exact": Category.objects.get(code="08").pk}, "health", "roads"),
        (lambda: {"territory__id__exact": factories.territory("gorsk").pk}, "roads-gorsk",
         "yards-ozersky-mr"),
        (lambda: {"organisation__id__exact": factories.organisation("uad").pk}, "roads",
         "health"),
        (lambda: {"is_active__exact": "0"}, None, "roads"),
    ],
    ids=["category", "territory", "organisation", "active"],
)
def test_the_rule_list_filters(admin_client, query, shown, hidden):
    response = admin_client.get(RULES_URL, query())
    text = response.content.decode()
    assert response.status_code == 200
    if shown:
        assert f">{shown}<" in text
    assert f">{hidden}<" not in text


def rule_form(**overrides):
    return {
        "region": factories.demo_region().pk,
        "code": "roads-leninsky",
        "category": Category.objects.get(code="01").pk,
        "subcategory": "",
        "territory": factories.territory("gorsk-leninsky").pk,
        "channel": "",
        "organisation": factories.organisation("adm-gorsk").pk,
        "priority": "0",
        "is_active": "on",
        "note": "",
        **overrides,
    }


def test_a_rule_is_created_in_the_editor(admin_client):
    response = admin_client.post(f"{RULES_URL}create/", rule_form())
    assert response.status_code == 302
    rule = RoutingRule.objects.get(code="roads-leninsky")
    assert rule.organisation.code == "adm-gorsk"


def test_the_editor_refuses_a_tie(admin_client):
    response = admin_client.post(
        f"{RULES_URL}create/",
        rule_form(code="roads-twin", territory=factories.territory("gorsk").pk),
    )
    assert response.status_code == 200
    assert "roads-gorsk" in response.content.decode()  # the message names the other rule
    assert not RoutingRule.objects.filter(code="roads-twin").exists()


def test_a_rule_is_disabled_not_deleted(admin_client):
    rule = RoutingRule.objects.get(code="health")
    response = admin_client.post(f"{RULES_URL}edit/{rule.pk}/",
                                 rule_form(code="health", category=rule.category_id,
                                           territory="", organisation=rule.organisation_id,
                                           is_active=""))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.is_active is False
    assert admin_client.get(f"{RULES_URL}delete/{rule.pk}/").status_code in (302, 403)
    assert RoutingRule.objects.filter(pk=rule.pk).exists()


def test_try_it_shows_the_form(admin_client):
    response = admin_client.get(reverse("routing_try"))
    assert response.status_code == 200
    assert 'name="subcategory"' in response.content.decode()


def test_try_it_names_the_organisation_and_the_rule(admin_client):
    response = try_it(admin_client)
    text = response.content.decode()
    assert response.status_code == 200
    assert str(factories.organisation("dorhoz-gorsk")) in text
    rule = RoutingRule.objects.get(code="roads-gorsk")
    assert f"{RULES_URL}edit/{rule.pk}/" in text


def test_try_it_says_when_no_rule_matched(admin_client):
    RoutingRule.objects.filter(code="roads-gorsk").update(is_active=False)
    RoutingRule.objects.filter(code="roads").update(is_active=False)
    response = try_it(admin_client)
    assert response.context["choice"].details["fallback"] is True
    assert str(factories.organisation("cur")) in response.content.decode()
    assert f"{RULES_URL}edit/" not in response.content.decode()


def test_try_it_checks_the_widget_channel(admin_client):
    response = try_it(admin_client, channel=Channel.WIDGET,
                      widget_organisation=factories.organisation("adm-gorsk").pk)
    assert str(factories.organisation("adm-gorsk")) in response.content.decode()
    response = try_it(admin_client, channel=Channel.WIDGET)
    assert "data-routing-answer" not in response.content.decode()


def test_try_it_refuses_a_subcategory_of_another_category(admin_client):
    response = try_it(admin_client, category=Category.objects.get(code="08").pk)
    assert response.status_code == 200
    assert "data-routing-answer" not in response.content.decode()


def test_the_pages_need_permission(client, demo):
    client.force_login(factories.user("clerk", is_staff=True))
    assert client.get(reverse("routing_try")).status_code in (302, 403)
    assert client.get(RULES_URL).status_code in (302, 403)


def test_try_it_warns_when_routing_is_switched_off(admin_client, demo):
    demo.disabled_plugins = ["routing"]
    demo.save(update_fields=["disabled_plugins"])
    response = try_it(admin_client)
    assert response.context["routing_switched_off"] is True
    assert response.context["choice"].organisation == demo.default_moderating_organisation
