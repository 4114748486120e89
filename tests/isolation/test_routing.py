"""A message never routes to another region's organisation (issue 14, point 3).

Region B is a copy of the demo's files, so both regions have rules for the same
classifier codes and territories of the same codes: only the region tells them apart.
"""

import pytest
from django.core.exceptions import ValidationError

from cms.models import Organisation, Subcategory, Territory
from cms.submission.registration import NewAppeal, do_register_appeal
from plugins.routing.models import RoutingRule
from plugins.routing.resolver import best_rule, explain_routing
from tests import two_regions
from tests.workflow.builders import citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(demo):
    return demo, two_regions.second_region()


def register(region, subcategory, territory_code="gorsk"):
    appeal, _created = do_register_appeal(NewAppeal(
        region=region, citizen=citizen(), category=subcategory.category,
        subcategory=subcategory, territory=Territory.objects.get(region=region,
                                                                 code=territory_code),
        text="Яма на дороге"))
    return appeal


def a_more_specific_rule_in(region, subcategory, territory_code="gorsk", code="b-trap"):
    """The most specific rule there can be, for the subcategory on the territory, at the
    highest priority: it would win anywhere its region's rules are read."""
    organisation = Organisation.objects.filter(region=region).order_by("code").last()
    return RoutingRule.objects.create(
        region=region, code=code, subcategory=subcategory,
        category=subcategory.category, priority=1000, organisation=organisation,
        territory=Territory.objects.get(region=region, code=territory_code))


def test_every_category_routes_within_the_messages_region(regions):
    demo, second = regions
    trap_subcategory = Subcategory.objects.get(code="01.01")
    trap = a_more_specific_rule_in(second, trap_subcategory)
    # The first subcategory of every category (the region's rules are per category).
    firsts = {}
    for subcategory in Subcategory.objects.select_related("category").order_by("code"):
        firsts.setdefault(subcategory.category_id, subcategory)
    for subcategory in firsts.values():
        for region in (demo, second):
            choice = explain_routing(region, subcategory.category, subcategory,
                                     Territory.objects.get(region=region, code="gorsk"))
            assert choice is not None and choice.organisation.region_id == region.pk, (
                region.code, subcategory.code, choice and choice.organisation)
    # The trap wins in its own region, and is never looked at in the other.
    assert explain_routing(second, None, trap_subcategory, trap.territory
                           ).organisation == trap.organisation
    probe = register(demo, trap_subcategory)
    assert best_rule(probe) is None or best_rule(probe).region_id == demo.pk
    assert probe.organisation.region_id == demo.pk
    assert probe.events.get(kind="routed").data.get("rule") != trap.pk


def test_registered_messages_stay_in_their_region(regions):
    demo, second = regions
    subcategory = Subcategory.objects.get(code="01.01")
    a_more_specific_rule_in(second, subcategory)
    a_more_specific_rule_in(demo, subcategory, code="a-own")
    for region in (demo, second):
        appeal = register(region, subcategory)
        assert appeal.organisation.region_id == region.pk
        assert appeal.number.startswith(region.code.upper())


def test_a_rule_may_not_name_another_regions_organisation_or_territory(regions):
    demo, second = regions
    subcategory = Subcategory.objects.get(code="01.01")
    with pytest.raises(ValidationError) as refused:
        RoutingRule.objects.create(
            region=demo, code="cross", subcategory=subcategory,
            category=subcategory.category,
            organisation=Organisation.objects.filter(region=second).first())
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        RoutingRule.objects.create(
            region=demo, code="cross", subcategory=subcategory,
            category=subcategory.category,
            organisation=Organisation.objects.filter(region=demo).first(),
            territory=Territory.objects.get(region=second, code="gorsk"))
    assert "territory" in refused.value.message_dict


def test_a_widget_of_another_region_is_ignored(regions):
    demo, second = regions
    subcategory = Subcategory.objects.get(code="01.01")
    theirs = Organisation.objects.get(region=second, code="adm-gorsk")
    appeal, _created = do_register_appeal(NewAppeal(
        region=demo, citizen=citizen(), category=subcategory.category,
        subcategory=subcategory, channel="widget", widget_organisation=theirs,
        territory=Territory.objects.get(region=demo, code="gorsk"), text="Яма"))
    assert appeal.organisation.region_id == demo.pk


def test_a_rule_written_around_validation_still_cannot_route_across(regions):
    """A rule saved without `clean()` (a bulk update, a loader's unchecked write, a
    third-party plugin's answer): the core must still refuse another region's
    organisation."""
    demo, second = regions
    subcategory = Subcategory.objects.get(code="01.01")
    rule = a_more_specific_rule_in(demo, subcategory, code="a-forged")
    RoutingRule.objects.filter(pk=rule.pk).update(
        organisation=Organisation.objects.filter(region=second).first())
    from cms.submission import region_cache

    region_cache.clear()
    appeal = register(demo, subcategory)
    assert appeal.organisation.region_id == demo.pk
    assert appeal.organisation == demo.default_moderating_organisation
