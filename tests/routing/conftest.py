"""Routing test helpers: rules built over the demo region's territories and organisations."""

from __future__ import annotations

import pytest

from cms.models import Category
from plugins.routing.models import RoutingRule, RoutingSettings
from tests import factories


@pytest.fixture
def no_rules(demo):
    """The demo region without its shipped rules, so that a test sees only its own."""
    RoutingRule.objects.filter(region=demo).delete()
    return demo


@pytest.fixture
def make_rule(demo):
    """Build and save (with validation) a rule of the demo region from codes."""

    def make(code, organisation, *, category=None, subcategory=None, territory=None,
             channel="", priority=0, is_active=True, save=True, region=None):
        region = region or demo
        rule = RoutingRule(
            region=region,
            code=code,
            category=Category.objects.get(code=category) if category else None,
            subcategory=factories.subcategory(subcategory) if subcategory else None,
            territory=factories.territory(territory, region) if territory else None,
            organisation=factories.organisation(organisation, region),
            channel=channel,
            priority=priority,
            is_active=is_active,
        )
        if save:
            rule.save()
        return rule

    return make


def set_widget_policy(region, policy: str) -> None:
    RoutingSettings.objects.update_or_create(region=region, defaults={"widget_policy": policy})
