"""load_region / export_region: validation, all-or-nothing, idempotency, dry run, round trip."""

import json
import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.models import Organisation, Region, StaffMembership, Territory
from cms.regionconfig.files import RegionConfigError
from cms.regionconfig.loader import export_region_folder, load_region_folder

CONFIG = settings.POS_CONFIG_DIR


@pytest.fixture
def folder(tmp_path):
    """A copy of the demo region's folder (beside a copy of the classifier) to break."""
    target = tmp_path / "demo"
    # The copy is another region: the demo's portal (its address, its site) stays the demo's.
    shutil.copytree(CONFIG / "demo", target, ignore=shutil.ignore_patterns("portal.json"))
    shutil.copy(CONFIG / "classifier.json", tmp_path / "classifier.json")
    return target


def edit(folder, filename, change):
    path = folder / filename
    data = json.loads(path.read_text(encoding="utf-8"))
    data = change(data) or data
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def problems_of(folder, classifier=None):
    with pytest.raises(RegionConfigError) as caught:
        load_region_folder(folder, classifier)
    return [str(problem) for problem in caught.value.problems]


def renamed_region(data):
    data["code"] = "fresh"
    return data


def test_loading_twice_changes_nothing(demo):
    result = load_region_folder(CONFIG / "demo", CONFIG / "classifier.json")
    assert not result.report.changed, result.report.lines


def test_the_command_reports_already_up_to_date(demo):
    out = StringIO()
    call_command("load_region", str(CONFIG / "demo"), stdout=out)
    assert "nothing changed" in out.getvalue()


def test_dry_run_reports_without_writing(db, folder):
    edit(folder, "region.json", renamed_region)
    out = StringIO()
    call_command("load_region", str(folder), "--dry-run", stdout=out)
    assert "would be created region fresh" in out.getvalue()
    assert not Region.objects.filter(code="fresh").exists()


def test_a_change_in_a_file_updates_only_that_object(demo, folder):
    def rename_ministry(items):
        for item in items:
            if item["code"] == "minzdrav":
                item["short_name"] = "Минздрав ДО"

    edit(folder, "organisations.json", rename_ministry)
    result = load_region_folder(folder)
    assert result.report.lines == ["updated organisation minzdrav (short_name)"]
    assert Organisation.objects.get(region=demo, code="minzdrav").short_name == "Минздрав ДО"


def test_a_moved_territory_moves_its_subtree(demo, folder):
    def move(items):
        for item in items:
            if item["code"] == "gorsk-leninsky":
                item["parent"] = "staromlynsk"

    edit(folder, "territories.json", move)
    load_region_folder(folder)
    moved = Territory.objects.get(region=demo, code="gorsk-leninsky")
    assert moved.get_parent().code == "staromlynsk"
    assert not load_region_folder(folder).report.changed


def test_staff_accounts_get_roles_and_no_usable_password(demo):
    user = StaffMembership.objects.get(organisation__code="cur", role="moderator",
                                       user__username="moderator").user
    assert not user.has_usable_password() or settings.POS_DEMO
    assert user.groups.filter(name="Модератор").exists()


# Every validation error: (file, change, a fragment of the expected problem).
def drop_key(key):
    def change(data):
        del data[key]
    return change


def set_key(key, value):
    def change(data):
        data[key] = value
    return change


def first_item(change):
    def apply(items):
        change(items[0])
    return apply


def item_with(code, change):
    def apply(items):
        for item in items:
            if item.get("code", item.get("username")) == code:
                change(item)
    return apply


def duplicate_last_item(items):
    items.append(dict(items[-1]))


def append(entry):
    def apply(items):
        items.append(entry)
    return apply


INVALID = [
    ("region.json", set_key("colour", "red"), "region.json: (top level).colour: unknown key"),
    ("region.json", drop_key("time_zone"), "region.json: (top level).time_zone: missing"),
    ("region.json", set_key("time_zone", "Europe/Atlantis"), "is not a known time zone"),
    ("region.json", set_key("code", "Demo Region"), "is not a valid code"),
    ("region.json", set_key("default_moderating_organisation", "nobody"),
     "default_moderating_organisation: unknown organisation 'nobody'"),
    ("region.json", set_key("disabled_plugins", ["routnig"]), "unknown plugin 'routnig'"),
    ("region.json", set_key("disabled_plugins", ["core"]), "is essential"),
    ("region.json", set_key("hidden_categories", ["99"]), "unknown category '99'"),
    ("territories.json", duplicate_last_item, "duplicate code '"),
    ("organisations.json", duplicate_last_item, "duplicate code '"),
    ("territories.json", item_with("gorsk", set_key("parent", "atlantis")),
     "(gorsk).parent: unknown territory 'atlantis'"),
    ("territories.json", item_with("gorsk", set_key("kind", "planet")), "unknown kind 'planet'"),
    ("territories.json", item_with("gorsk", set_key("parent", None)),
     "exactly one root territory"),
    ("territories.json", item_with("demo", set_key("parent", "gorsk")), "its own ancestor"),
    ("territories.json", first_item(set_key("population", 1)), "unknown key"),
    ("organisations.json", item_with("minzdrav", set_key("territories", ["nowhere"])),
     "territories[0]: unknown territory 'nowhere'"),
    ("organisations.json", item_with("uad", set_key("parent", "ghost")),
     "(uad).parent: unknown organisation 'ghost'"),
    ("organisations.json", item_with("minzdrav", set_key("kind", "ministry")),
     "unknown kind 'ministry'"),
    ("organisations.json", item_with("minzdrav", set_key("website_domains", ["not a host"])),
     "is not a host name"),
    ("organisations.json", item_with("minzdrav", drop_key("name")), ".name: missing"),
    ("staff.json", item_with("moderator", set_key("roles", [{"organisation": "cur",
                                                             "role": "boss"}])),
     "unknown role 'boss'"),
    ("staff.json", item_with("moderator", set_key("roles", [{"organisation": "ghost",
                                                             "role": "moderator"}])),
     "unknown organisation 'ghost'"),
    ("staff.json", item_with("moderator", set_key("email", "not-an-email")), "is not an e-mail"),
    ("staff.json", append({"username": "moderator", "roles": []}), "duplicate user name"),
]


@pytest.mark.parametrize(("filename", "change", "expected"), INVALID,
                         ids=[expected[:40] for _f, _c, expected in INVALID])
def test_every_problem_is_reported_with_file_key_and_reason(db, folder, filename, change,
                                                            expected):
    edit(folder, "region.json", renamed_region)
    edit(folder, filename, change)
    problems = problems_of(folder)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith(filename) for problem in problems), problems
    assert not Region.objects.filter(code="fresh").exists(), "nothing may be loaded"


def test_invalid_json_names_the_line(db, folder):
    (folder / "territories.json").write_text('[\n  {"code": "demo",}\n]', encoding="utf-8")
    assert problems_of(folder) == [
        "territories.json: line 2, column 19: invalid JSON: Expecting property name enclosed "
        "in double quotes"
    ]


def test_a_missing_required_file_is_a_problem(db, folder):
    (folder / "organisations.json").unlink()
    assert "organisations.json: (file): missing" in problems_of(folder)


def test_all_problems_are_reported_at_once(db, folder):
    edit(folder, "region.json", set_key("time_zone", "Mars/Olympus"))
    edit(folder, "organisations.json", item_with("uad", set_key("kind", "guild")))
    problems = problems_of(folder)
    assert len(problems) == 2


def test_one_bad_file_loads_nothing_even_when_the_rest_is_new(db, folder):
    edit(folder, "region.json", renamed_region)
    edit(folder, "staff.json", item_with("head", set_key("roles", [{"organisation": "cur",
                                                                    "role": "king"}])))
    problems_of(folder, folder.parent / "classifier.json")
    assert not Region.objects.filter(code="fresh").exists()
    assert not Organisation.objects.filter(region__code="fresh").exists()


def test_the_command_prints_problems_and_fails(db, folder):
    edit(folder, "region.json", set_key("time_zone", "Nowhere/City"))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_region", str(folder), stderr=err)
    assert "region.json: time_zone: 'Nowhere/City' is not a known time zone" in err.getvalue()


def test_export_round_trip_is_lossless(demo, tmp_path):
    exported = tmp_path / "exported"
    written = export_region_folder(demo, exported)
    assert {"region.json", "territories.json", "organisations.json", "staff.json"} <= set(written)
    for filename in written:
        shipped = json.loads((CONFIG / "demo" / filename).read_text(encoding="utf-8"))
        again = json.loads((exported / filename).read_text(encoding="utf-8"))
        assert again == shipped, f"{filename} differs after a round trip"
    # The exported folder loads into a fresh region identically.
    edit(exported, "region.json", renamed_region)
    (exported / "portal.json").unlink()
    load_region_folder(exported)
    fresh = Region.objects.get(code="fresh")
    second = tmp_path / "second"
    export_region_folder(fresh, second)
    for filename in written:
        if filename in ("region.json", "staff.json", "portal.json"):
            continue  # the code differs; staff accounts are shared between the two regions
        assert (second / filename).read_text() == (exported / filename).read_text()


def test_export_region_command_refuses_an_unknown_region(db, tmp_path):
    with pytest.raises(CommandError, match="No region"):
        call_command("export_region", "atlantis", str(tmp_path))
