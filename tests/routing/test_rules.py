"""A rule is checked when saved: the tie error, the region of its references, its category."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cms.models import Category, Channel, Organisation, Region
from plugins.routing.models import RoutingRule


def test_a_tie_is_refused_when_the_rule_is_saved(no_rules, make_rule):
    make_rule("roads", "uad", category="01", territory="gorsk")
    with pytest.raises(ValidationError) as caught:
        make_rule("roads-again", "mintrans", category="01", territory="gorsk")
    assert caught.value.error_list[0].code == "tie"
    assert "roads" in caught.value.messages[0]
    assert not RoutingRule.objects.filter(code="roads-again").exists()


@pytest.mark.parametrize(
    "difference",
    [
        {"priority": 1},
        {"channel": Channel.WIDGET},
        {"territory": "gorsk-leninsky"},
        {"subcategory": "01.01"},
        {"is_active": False},
    ],
    ids=["priority", "channel", "territory", "subcategory", "disabled"],
)
def test_rules_that_differ_in_specificity_or_priority_do_not_tie(no_rules, make_rule,
                                                                 difference):
    make_rule("roads", "uad", category="01", territory="gorsk")
    fields = {"category": "01", "territory": "gorsk", **difference}
    other = make_rule("roads-other", "mintrans", **fields)
    stored = RoutingRule.objects.filter(region=no_rules).values_list("code", flat=True)
    assert sorted(stored) == ["roads", "roads-other"]
    assert other.pk is not None and other.organisation.code == "mintrans"


def test_enabling_a_disabled_twin_is_a_tie(no_rules, make_rule):
    make_rule("roads", "uad", category="01")
    twin = make_rule("roads-old", "mintrans", category="01", is_active=False)
    twin.is_active = True
    with pytest.raises(ValidationError):
        twin.save()


def test_a_subcategory_rule_records_its_category_and_ties_with_its_twin(no_rules, make_rule):
    rule = make_rule("potholes", "uad", subcategory="01.01")
    assert rule.category.code == "01"
    with pytest.raises(ValidationError):
        make_rule("potholes-again", "mintrans", category="01", subcategory="01.01")


def test_the_subcategory_must_belong_to_the_category(no_rules, make_rule):
    with pytest.raises(ValidationError) as caught:
        make_rule("mixed", "uad", category="08", subcategory="01.01")
    assert "subcategory" in caught.value.message_dict


def test_organisation_and_territory_must_be_of_the_rules_region(no_rules, make_rule):
    elsewhere = Region.objects.create(code="elsewhere", name="Другая область")
    outsider = Organisation.objects.create(region=elsewhere, code="uad", name="X", kind="other")
    rule = make_rule("roads", "uad", category="01", territory="gorsk", save=False)
    rule.organisation = outsider
    rule.region = elsewhere
    with pytest.raises(ValidationError) as caught:
        rule.save()
    assert set(caught.value.message_dict) == {"territory"}
    rule.region = no_rules
    with pytest.raises(ValidationError) as caught:
        rule.save()
    assert set(caught.value.message_dict) == {"organisation"}


def test_an_empty_code_is_made_from_the_rule(no_rules, make_rule):
    first = make_rule("", "uad", subcategory="01.01", territory="gorsk")
    second = make_rule("", "mintrans", subcategory="01.01", territory="gorsk", priority=1)
    catch_all = make_rule("", "cur")
    assert first.code == "01-01-gorsk"
    assert second.code == "01-01-gorsk-2"
    assert catch_all.code == "any-region"


def test_describe_names_what_the_rule_covers(no_rules, make_rule):
    rule = make_rule("roads", "uad", category="01", territory="gorsk", channel=Channel.API)
    text = rule.describe()
    assert Category.objects.get(code="01").name in text
    assert rule.territory.name in text
