"""Which rule answers a message: specificity, disabled rules, the fallback, plugin switches."""

from __future__ import annotations

import pytest
from django.utils import translation

from cms.kernel.plugins import hooks_for
from cms.models import Channel, Subcategory, Territory
from plugins.routing.models import RoutingRule
from plugins.routing.resolver import explain_routing, route
from tests import factories

# Each case: the rules that exist (code, organisation, fields), the message (subcategory,
# territory, channel) and the code of the rule that must answer.
SPECIFICITY_CASES = [
    pytest.param(
        [("any", "cur", {})],
        ("01.01", "gorsk", Channel.PORTAL), "any",
        id="a catch-all answers when nothing else does",
    ),
    pytest.param(
        [("any", "cur", {}), ("roads", "uad", {"category": "01"})],
        ("01.01", "gorsk", Channel.PORTAL), "roads",
        id="category beats catch-all",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("potholes", "mintrans", {"subcategory": "01.01"})],
        ("01.01", "gorsk", Channel.PORTAL), "potholes",
        id="subcategory beats category",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("potholes", "mintrans", {"subcategory": "01.01"})],
        ("01.02", "gorsk", Channel.PORTAL), "roads",
        id="a subcategory rule does not cover its sibling subcategories",
    ),
    pytest.param(
        [("roads-leninsky", "dorhoz-gorsk", {"category": "01", "territory": "gorsk-leninsky"}),
         ("potholes", "mintrans", {"subcategory": "01.01"})],
        ("01.01", "gorsk-leninsky", Channel.PORTAL), "potholes",
        id="subcategory beats category even on a deeper territory",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("roads-gorsk", "dorhoz-gorsk", {"category": "01", "territory": "gorsk"})],
        ("01.01", "gorsk-leninsky", Channel.PORTAL), "roads-gorsk",
        id="a territory rule covers its subtree and beats the whole region",
    ),
    pytest.param(
        [("roads-gorsk", "dorhoz-gorsk", {"category": "01", "territory": "gorsk"}),
         ("roads-leninsky", "adm-gorsk", {"category": "01", "territory": "gorsk-leninsky"})],
        ("01.01", "gorsk-leninsky", Channel.PORTAL), "roads-leninsky",
        id="deeper territory beats shallower",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("roads-leninsky", "adm-gorsk", {"category": "01", "territory": "gorsk-leninsky"})],
        ("01.01", "gorsk", Channel.PORTAL), "roads",
        id="a rule on a child territory does not cover its parent",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("roads-staromlynsk", "ugh-staromlynsk",
          {"category": "01", "territory": "staromlynsk"})],
        ("01.01", "gorsk", Channel.PORTAL), "roads",
        id="a rule on a sibling territory does not match",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("roads-api", "mintrans", {"category": "01", "channel": Channel.API})],
        ("01.01", "gorsk", Channel.API), "roads-api",
        id="channel-specific beats any channel",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("roads-api", "mintrans", {"category": "01", "channel": Channel.API})],
        ("01.01", "gorsk", Channel.PORTAL), "roads",
        id="a rule for another channel does not match",
    ),
    pytest.param(
        [("roads-api", "mintrans", {"category": "01", "channel": Channel.API}),
         ("roads-gorsk", "dorhoz-gorsk", {"category": "01", "territory": "gorsk"})],
        ("01.01", "gorsk", Channel.API), "roads-gorsk",
        id="deeper territory beats channel",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("roads-urgent", "mintrans", {"category": "01", "priority": 5})],
        ("01.01", "gorsk", Channel.PORTAL), "roads-urgent",
        id="higher priority breaks a tie of specificity",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01", "priority": 5}),
         ("roads-gorsk", "dorhoz-gorsk", {"category": "01", "territory": "gorsk"})],
        ("01.01", "gorsk", Channel.PORTAL), "roads-gorsk",
        id="priority does not beat specificity",
    ),
    pytest.param(
        [("roads", "uad", {"category": "01"}),
         ("roads-gorsk", "dorhoz-gorsk",
          {"category": "01", "territory": "gorsk", "is_active": False})],
        ("01.01", "gorsk", Channel.PORTAL), "roads",
        id="a disabled rule is ignored",
    ),
    pytest.param(
        [("health", "minzdrav", {"category": "08"})],
        ("01.01", "gorsk", Channel.PORTAL), None,
        id="no rule for the category",
    ),
]


def message(region, subcategory_code: str, territory_code: str, channel: str, **fields):
    return factories.appeal(region, subcategory_code=subcategory_code,
                            territory_code=territory_code, save=False, channel=channel, **fields)


@pytest.mark.parametrize(("rules", "asked", "expected"), SPECIFICITY_CASES)
def test_the_most_specific_rule_answers(no_rules, make_rule, rules, asked, expected):
    made = {code: make_rule(code, organisation, **fields)
            for code, organisation, fields in rules}
    choice = route(message(no_rules, *asked))
    if expected is None:
        assert choice is None
        return
    assert choice.organisation == made[expected].organisation
    assert choice.details["rule"] == made[expected].pk
    assert expected in choice.explanation


def test_the_kernel_falls_back_to_the_moderating_organisation(no_rules, make_rule):
    make_rule("health", "minzdrav", category="08")
    with translation.override("en"):
        choice = hooks_for(no_rules).choose_addressee(
            appeal=message(no_rules, "01.01", "gorsk", Channel.PORTAL))
    assert choice.organisation == no_rules.default_moderating_organisation
    assert "no routing rule matched" in choice.explanation.lower()
    assert choice.details["rule"] is None


def test_only_disabled_rules_mean_the_fallback(no_rules, make_rule):
    make_rule("roads", "uad", category="01", is_active=False)
    choice = hooks_for(no_rules).choose_addressee(
        appeal=message(no_rules, "01.01", "gorsk", Channel.PORTAL))
    assert choice.organisation == no_rules.default_moderating_organisation


def test_a_region_with_routing_switched_off_gets_the_kernel_fallback(demo):
    appeal = message(demo, "01.01", "ozersky-mr", Channel.PORTAL)
    assert hooks_for(demo).choose_addressee(appeal=appeal).organisation.code == "uad"
    demo.disabled_plugins = ["routing"]
    demo.save(update_fields=["disabled_plugins"])
    choice = hooks_for(demo).choose_addressee(appeal=appeal)
    assert RoutingRule.objects.filter(region=demo, is_active=True).exists()
    assert choice.organisation == demo.default_moderating_organisation
    assert choice.details["fallback"] is True


def test_the_hook_answers_with_the_rule_and_names_it(demo):
    choice = hooks_for(demo).choose_addressee(
        appeal=message(demo, "01.01", "gorsk-leninsky", Channel.PORTAL))
    rule = RoutingRule.objects.get(region=demo, code="roads-gorsk")
    assert choice.organisation == rule.organisation
    assert choice.details == {"rule": rule.pk, "rule_code": "roads-gorsk"}


def test_a_recategorised_message_gets_a_new_suggestion(demo):
    """The moderator's reassignment asks the same hook with the unsaved new category."""
    appeal = factories.appeal(demo, subcategory_code="01.01", territory_code="gorsk",
                              organisation_code="dorhoz-gorsk")
    health = Subcategory.objects.get(code="08.03")
    appeal.category, appeal.subcategory = health.category, health
    choice = hooks_for(demo).choose_addressee(appeal=appeal)
    assert choice.organisation.code == "minzdrav"


@pytest.mark.parametrize(
    ("subcategory", "territory", "expected"),
    [
        ("01.01", "gorsk-zavodskoy", "dorhoz-gorsk"),
        ("01.05", "klenovsky-mr-ivanovka", "uad"),
        ("03.02", "ozersky-mr-pokrovka", "adm-ozersky-mr"),
        ("03.11", "ozersky-mr-pokrovka", "minstroy"),
        ("04.01", "gorsk", "blagoustroystvo-gorsk"),
        ("05.08", "novoprilsk", "fkr"),
        ("06.01", "gorsk-zarechny", "vodokanal-gorsk"),
        ("06.01", "staromlynsk", "minzhkh"),
        ("07.02", "dubravinsky-mo", "regoperator-tko"),
        ("08.01", "demo", "minzdrav"),
        ("10.02", "lugovskoy-mr", "minobr"),
        ("30.01", "sineozersky-mo", "adm-sineozersky-mo"),
    ],
)
def test_the_demo_rules_route_like_a_region_would(demo, subcategory, territory, expected):
    sub = Subcategory.objects.select_related("category").get(code=subcategory)
    choice = explain_routing(demo, None, sub, Territory.objects.get(region=demo, code=territory))
    assert choice.organisation.code == expected
