"""Choosing an addressee costs a small constant number of queries, whatever the rules."""

from __future__ import annotations

import itertools

import pytest

from cms.kernel.plugins import hooks_for
from cms.models import Channel, Subcategory, Territory
from plugins.routing.models import RoutingRule, WidgetPolicy
from tests import factories

from .conftest import set_widget_policy

RULES = 10_000


@pytest.fixture
def many_rules(no_rules):
    """10,000 active rules: for each of the first subcategories, one per territory (and the
    whole region), channel (and any) and two priorities, so that every level competes."""
    subcategories = list(Subcategory.objects.order_by("code"))
    territories = [None, *Territory.objects.filter(region=no_rules)]
    channels = ["", *Channel.values]
    organisations = list(no_rules.organisations.order_by("code"))
    keys = itertools.islice(
        itertools.product(subcategories, territories, channels, range(2)), RULES)
    RoutingRule.objects.bulk_create(
        RoutingRule(
            region=no_rules, code=f"rule-{number}", category_id=sub.category_id,
            subcategory=sub, territory=territory, channel=channel, priority=priority,
            organisation=organisations[number % len(organisations)],
        )
        for number, (sub, territory, channel, priority) in enumerate(keys)
    )
    assert RoutingRule.objects.filter(region=no_rules).count() == RULES
    return no_rules


def expected_rule(region, subcategory: str, territory: str, channel: str) -> RoutingRule:
    """The winner, found the slow way: the deepest, channel-specific, highest priority."""
    paths = factories.territory(territory, region).ancestor_paths()
    candidates = [
        rule for rule in RoutingRule.objects.filter(
            region=region, subcategory__code=subcategory, channel__in=["", channel]
        ).select_related("territory")
        if rule.territory is None or rule.territory.path in paths
    ]
    return max(candidates, key=lambda rule: (
        rule.territory.depth if rule.territory else 0, bool(rule.channel), rule.priority))


@pytest.mark.parametrize("channel", [Channel.PORTAL, Channel.API])
def test_a_portal_message_costs_few_queries(many_rules, django_assert_max_num_queries,
                                            channel):
    appeal = factories.appeal(many_rules, subcategory_code="01.01",
                              territory_code="gorsk-leninsky", save=False, channel=channel)
    hooks = hooks_for(many_rules)
    with django_assert_max_num_queries(3):
        choice = hooks.choose_addressee(appeal=appeal)
    assert choice.details["rule"] == expected_rule(many_rules, "01.01", "gorsk-leninsky",
                                                   channel).pk


@pytest.mark.parametrize("policy", WidgetPolicy.values)
def test_a_widget_message_costs_few_queries(many_rules, django_assert_max_num_queries,
                                            policy):
    set_widget_policy(many_rules, policy)
    appeal = factories.appeal(
        many_rules, subcategory_code="01.01", territory_code="gorsk", save=False,
        channel=Channel.WIDGET, widget_organisation=factories.organisation("adm-staromlynsk"),
    )
    hooks = hooks_for(many_rules)
    with django_assert_max_num_queries(3):
        choice = hooks.choose_addressee(appeal=appeal)
    assert choice.organisation is not None
