"""The place of submission: when a widget's organisation receives the message itself."""

from __future__ import annotations

import pytest

from cms.models import Channel, Organisation, Region
from plugins.routing.models import WidgetPolicy
from plugins.routing.resolver import route
from tests import factories

from .conftest import set_widget_policy

# Roads go to the road agency, except Gorsk's streets; the widget is Staromlynsk's, which
# serves only its own okrug. Each case: policy, extra rules, message (subcategory,
# territory), the expected addressee and whether the widget's organisation won.
WIDGET = "adm-staromlynsk"
BASE_RULES = [
    ("roads", "uad", {"category": "01"}),
    ("roads-gorsk", "dorhoz-gorsk", {"category": "01", "territory": "gorsk"}),
    ("health", "minzdrav", {"category": "08"}),
]
CASES = [
    pytest.param(WidgetPolicy.ALWAYS, [], ("01.01", "gorsk"), WIDGET,
                 id="always: wins though not competent"),
    pytest.param(WidgetPolicy.WHEN_COMPETENT, [], ("01.01", "gorsk"), "dorhoz-gorsk",
                 id="competent-only: not competent, the rules answer"),
    pytest.param(WidgetPolicy.WHEN_COMPETENT, [], ("08.01", "staromlynsk"), WIDGET,
                 id="competent-only: serves the territory"),
    pytest.param(WidgetPolicy.WHEN_COMPETENT,
                 [("potholes-staromlynsk-widget", WIDGET, {"subcategory": "01.01"})],
                 ("01.01", "gorsk"), WIDGET,
                 id="competent-only: a rule for the category names it"),
    pytest.param(WidgetPolicy.WHEN_COMPETENT,
                 [("roads-staromlynsk", WIDGET, {"category": "01", "territory": "staromlynsk"})],
                 ("01.01", "gorsk"), "dorhoz-gorsk",
                 id="competent-only: its rule covers another territory"),
    pytest.param(WidgetPolicy.WHEN_COMPETENT,
                 [("everything-else", WIDGET, {})],
                 ("01.01", "gorsk"), "dorhoz-gorsk",
                 id="competent-only: a catch-all says nothing about competence"),
]


@pytest.fixture
def widget_rules(no_rules, make_rule):
    for code, organisation, fields in BASE_RULES:
        make_rule(code, organisation, **fields)
    return no_rules


def widget_message(region, subcategory: str, territory: str, widget: Organisation):
    return factories.appeal(region, subcategory_code=subcategory, territory_code=territory,
                            save=False, channel=Channel.WIDGET, widget_organisation=widget)


@pytest.mark.parametrize(("policy", "extra_rules", "asked", "expected"), CASES)
def test_the_widget_policy(widget_rules, make_rule, policy, extra_rules, asked, expected):
    set_widget_policy(widget_rules, policy)
    for code, organisation, fields in extra_rules:
        make_rule(code, organisation, **fields)
    widget = factories.organisation(WIDGET)
    choice = route(widget_message(widget_rules, *asked, widget))
    assert choice.organisation.code == expected
    if expected == WIDGET:
        assert choice.details["widget_organisation"] == widget.pk
        assert str(widget) in choice.explanation
    else:
        assert str(widget) in choice.explanation  # says why the widget did not win
        assert choice.details["rule_code"]


def test_the_default_policy_is_competent_only(widget_rules):
    widget = factories.organisation(WIDGET)
    choice = route(widget_message(widget_rules, "01.01", "gorsk", widget))
    assert choice.organisation.code == "dorhoz-gorsk"


def test_a_competent_widget_names_the_rule_that_makes_it_so(widget_rules, make_rule):
    rule = make_rule("potholes-staromlynsk-widget", WIDGET, subcategory="01.01")
    choice = route(widget_message(widget_rules, "01.01", "gorsk", factories.organisation(WIDGET)))
    assert choice.details["rule"] == rule.pk
    assert rule.code in choice.explanation


def test_a_widget_of_another_region_is_ignored(widget_rules):
    set_widget_policy(widget_rules, WidgetPolicy.ALWAYS)
    elsewhere = Region.objects.create(code="elsewhere", name="Другая область")
    forged = Organisation.objects.create(region=elsewhere, code="x", name="X", kind="other")
    choice = route(widget_message(widget_rules, "01.01", "gorsk", forged))
    assert choice.organisation.code == "dorhoz-gorsk"


def test_the_widget_matters_only_on_the_widget_channel(widget_rules):
    set_widget_policy(widget_rules, WidgetPolicy.ALWAYS)
    appeal = factories.appeal(widget_rules, subcategory_code="01.01", territory_code="gorsk",
                              save=False, channel=Channel.PORTAL,
                              widget_organisation=factories.organisation(WIDGET))
    assert route(appeal).organisation.code == "dorhoz-gorsk"
