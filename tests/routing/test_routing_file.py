"""routing.json: validation, loading by code, the tie check, export and the round trip."""

from __future__ import annotations

import json
import shutil

import pytest
from django.conf import settings

from cms.models import Category
from cms.regionconfig.files import RegionConfigError, ValidationContext
from cms.regionconfig.loader import export_region_folder, load_region_folder
from plugins.routing.models import RoutingRule, RoutingSettings, WidgetPolicy
from plugins.routing.routing_file import RoutingFile
from tests import factories

CONFIG = settings.POS_CONFIG_DIR
SHIPPED = CONFIG / "demo" / "routing.json"


def rule(code, organisation="uad", **fields):
    return {"code": code, "organisation": organisation, **fields}


def problems(data) -> list[str]:
    ctx = ValidationContext(documents={"routing.json": data})
    ctx.codes("category").update({"01", "08"})
    ctx.codes("subcategory").update({"01.01", "01.02", "08.01"})
    ctx.codes("territory").update({"demo", "gorsk"})
    ctx.codes("organisation").update({"uad", "minzdrav"})
    RoutingFile().validate(data, ctx)
    return [f"{problem.key}: {problem.reason}" for problem in ctx.problems]


def test_a_valid_file_has_no_problems():
    assert problems({
        "widget_policy": "always",
        "rules": [
            rule("roads", category="01"),
            rule("potholes", category="01", subcategory="01.01", territory="gorsk",
                 channel="widget", priority=2, is_active=True, note="A note."),
            rule("catch-all", "minzdrav"),
        ],
    }) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"rules": [], "colour": "red"}, "(top level).colour: unknown key"),
        ({"rules": [rule("roads", categroy="01")]}, "rules[0].categroy: unknown key"),
        ({"rules": [{"code": "roads"}]}, "rules[0].organisation: missing"),
        ({"widget_policy": "sometimes", "rules": []}, "widget_policy: unknown policy"),
        ({"rules": [rule("Roads!")]}, "rules[0] (Roads!).code: 'Roads!' is not a valid code"),
        ({"rules": [rule("roads"), rule("roads", "minzdrav", category="01")]},
         "rules[1] (roads).code: duplicate code 'roads'"),
        ({"rules": [rule("roads", category="99")]},
         "rules[0] (roads).category: unknown category '99'"),
        ({"rules": [rule("roads", subcategory="01.99")]},
         "rules[0] (roads).subcategory: unknown subcategory '01.99'"),
        ({"rules": [rule("roads", category="08", subcategory="01.01")]},
         "rules[0] (roads).subcategory: subcategory '01.01' is not in category '08'"),
        ({"rules": [rule("roads", territory="atlantis")]},
         "rules[0] (roads).territory: unknown territory 'atlantis'"),
        ({"rules": [rule("roads", "nobody")]},
         "rules[0] (roads).organisation: unknown organisation 'nobody'"),
        ({"rules": [rule("roads", channel="pigeon")]},
         "rules[0] (roads).channel: unknown channel 'pigeon'"),
        ({"rules": [rule("roads", priority="high")]},
         "rules[0].priority: must be a whole number"),
    ],
)
def test_problems_in_the_file(data, expected):
    found = problems(data)
    assert any(problem.startswith(expected) for problem in found), found


@pytest.mark.parametrize(
    "twin",
    [
        rule("roads-again", "minzdrav", category="01", territory="gorsk"),
        rule("roads-again", "minzdrav", category="01", territory="gorsk", priority=0),
    ],
)
def test_a_tie_in_the_file_is_a_problem(twin):
    found = problems({"rules": [rule("roads", category="01", territory="gorsk"), twin]})
    assert found == ["rules[1] (roads-again): ties with rule 'roads': the same category, "
                     "subcategory, territory, channel and priority, so neither would win; "
                     "change a priority"]


def test_a_subcategory_rule_ties_whether_or_not_it_names_its_category():
    found = problems({"rules": [rule("a", subcategory="01.01"),
                                rule("b", category="01", subcategory="01.01")]})
    assert len(found) == 1 and "ties with rule 'a'" in found[0]


@pytest.mark.parametrize(
    "other",
    [
        rule("b", category="01", priority=1),
        rule("b", category="01", is_active=False),
        rule("b", category="01", channel="api"),
        rule("b", subcategory="01.01"),
    ],
)
def test_rules_that_differ_do_not_tie(other):
    assert problems({"rules": [rule("a", category="01"), other]}) == []


@pytest.fixture
def folder(tmp_path):
    """A copy of the demo folder whose routing.json a test may change."""
    target = tmp_path / "demo"
    shutil.copytree(CONFIG / "demo", target)
    return target


def rewrite(folder, change) -> None:
    path = folder / "routing.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def by_code(data, code) -> dict:
    return next(item for item in data["rules"] if item["code"] == code)


def test_loading_the_shipped_rules_again_changes_nothing(demo):
    result = load_region_folder(CONFIG / "demo", CONFIG / "classifier.json")
    routing_lines = [line for line in result.report.lines if "routing" in line]
    assert routing_lines == []
    assert RoutingRule.objects.filter(region=demo).count() == len(
        json.loads(SHIPPED.read_text(encoding="utf-8"))["rules"])


def test_export_reproduces_the_shipped_file_exactly(demo, tmp_path):
    assert "routing.json" in export_region_folder(demo, tmp_path)
    assert (tmp_path / "routing.json").read_text(encoding="utf-8") == SHIPPED.read_text(
        encoding="utf-8")


def test_changes_in_the_file_update_rules_by_code(demo, folder):
    def change(data):
        by_code(data, "health")["organisation"] = "admin-gov"
        by_code(data, "education")["is_active"] = False
        data["rules"].append(rule("health-gorsk", "adm-gorsk", category="08", territory="gorsk"))
        data["widget_policy"] = "always"

    rewrite(folder, change)
    lines = load_region_folder(folder).report.lines
    assert "updated routing rule health (organisation)" in lines
    assert "updated routing rule education (is_active)" in lines
    assert "created routing rule health-gorsk" in lines
    assert "updated routing settings demo (widget_policy)" in lines
    assert RoutingSettings.objects.get(region=demo).widget_policy == WidgetPolicy.ALWAYS
    assert not load_region_folder(folder).report.changed


def test_swapping_two_priorities_loads(demo, folder):
    def add_pair(data):
        data["rules"] += [rule("roads-a", category="01", territory="gorsk-leninsky", priority=1),
                          rule("roads-b", "mintrans", category="01", territory="gorsk-leninsky")]

    def swap(data):
        by_code(data, "roads-a")["priority"], by_code(data, "roads-b")["priority"] = 0, 1

    rewrite(folder, add_pair)
    load_region_folder(folder)
    rewrite(folder, swap)
    load_region_folder(folder)
    assert RoutingRule.objects.get(region=demo, code="roads-b").priority == 1


def test_a_tie_with_a_rule_made_in_the_admin_loads_nothing(demo, folder):
    RoutingRule.objects.create(region=demo, code="health-admin", priority=7,
                               organisation=factories.organisation("minsoc"),
                               category=Category.objects.get(code="08"))
    rewrite(folder, lambda data: by_code(data, "health").update(priority=7, note="Changed."))
    with pytest.raises(RegionConfigError) as caught:
        load_region_folder(folder)
    assert "health" in str(caught.value) and "health-admin" in str(caught.value)
    assert RoutingRule.objects.get(region=demo, code="health").priority == 0


def test_a_region_without_rules_or_settings_writes_no_file(demo, tmp_path):
    RoutingRule.objects.filter(region=demo).delete()
    RoutingSettings.objects.filter(region=demo).delete()
    assert "routing.json" not in export_region_folder(demo, tmp_path)
