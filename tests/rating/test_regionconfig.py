"""rating.json: the demo's file loads once and exports identically; every setting is read
from the file and written back; mistakes are reported by file and key, and nothing is
loaded."""

import json
import shutil

import pytest
from django.conf import settings

from cms.models import Region
from cms.regionconfig.files import RegionConfigError
from cms.regionconfig.loader import export_region_folder, load_region_folder
from plugins.fasttrack.models import FastTrackSettings
from plugins.rating.models import RatingSettings

SHIPPED = settings.POS_CONFIG_DIR / "demo" / "rating.json"
EVERY_FIELD = ("low_threshold", "link_lifetime_days", "change_window_days",
               "close_after_days", "email_text", "page_text")


@pytest.fixture
def folder(demo, tmp_path):
    copy = tmp_path / "demo"
    shutil.copytree(settings.POS_CONFIG_DIR / "demo", copy,
                    ignore=shutil.ignore_patterns("portal.json"))
    return copy


def shipped() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def write(folder, data) -> None:
    (folder / "rating.json").write_text(json.dumps(data, ensure_ascii=False),
                                        encoding="utf-8")


def stored(region) -> tuple:
    row = RatingSettings.objects.get(region=region)
    return tuple(getattr(row, name) for name in EVERY_FIELD)


def test_hook_region_config_files_the_demo_file_loads_once_and_exports_identically(
        demo, tmp_path):
    assert list(shipped()) == list(EVERY_FIELD)
    assert stored(demo) == (2, 30, 7, 14, "", "")
    assert not load_region_folder(settings.POS_CONFIG_DIR / "demo").report.changed
    export_region_folder(demo, tmp_path / "out")
    assert (tmp_path / "out" / "rating.json").read_text(encoding="utf-8") == (
        SHIPPED.read_text(encoding="utf-8"))


def test_every_setting_is_loaded_reported_and_exported_back(demo, folder, tmp_path):
    changed = {"low_threshold": 3, "link_lifetime_days": 10, "change_window_days": 0,
               "close_after_days": 21, "email_text": "Оцените ответ: это займёт минуту.",
               "page_text": "Спасибо, что помогаете нам работать лучше."}
    write(folder, changed)
    report = load_region_folder(folder).report
    assert report.lines == ["updated rating settings demo (" + ", ".join(EVERY_FIELD) + ")"]
    assert stored(demo) == tuple(changed.values())
    assert not load_region_folder(folder).report.changed
    export_region_folder(demo, tmp_path / "out")
    assert json.loads((tmp_path / "out" / "rating.json").read_text(encoding="utf-8")) == (
        changed)


def test_a_new_region_gets_its_row_from_the_file(demo, folder):
    region_file = folder / "region.json"
    data = json.loads(region_file.read_text(encoding="utf-8"))
    data["code"] = "fresh"
    region_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    write(folder, {**shipped(), "low_threshold": 1})
    report = load_region_folder(folder).report
    assert "created rating settings fresh" in report.lines
    assert stored(Region.objects.get(code="fresh"))[0] == 1


def test_a_region_without_a_row_exports_no_file(demo, tmp_path):
    RatingSettings.objects.filter(region=demo).delete()
    written = export_region_folder(demo, tmp_path / "out")
    assert "rating.json" not in written
    assert not (tmp_path / "out" / "rating.json").exists()


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d.update(low_threshold=5), "rating.json: low_threshold: must be from 1 to 4"),
    (lambda d: d.update(low_threshold=0), "rating.json: low_threshold: must be from 1 to 4"),
    (lambda d: d.update(link_lifetime_days=366),
     "rating.json: link_lifetime_days: must be from 1 to 365"),
    (lambda d: d.update(change_window_days=-1),
     "rating.json: change_window_days: must be from 0 to 90"),
    (lambda d: d.update(close_after_days=0),
     "rating.json: close_after_days: must be from 1 to 90"),
    (lambda d: d.update(close_after_days="14"),
     "rating.json: (top level).close_after_days: must be a whole number"),
    (lambda d: d.update(change_window_days=True),
     "rating.json: (top level).change_window_days: must be a whole number"),
    (lambda d: d.update(email_text="я" * 1001),
     "rating.json: email_text: longer than 1000 characters"),
    (lambda d: d.update(page_text=None), "rating.json: (top level).page_text: must be a string"),
    (lambda d: d.pop("page_text"), "rating.json: (top level).page_text: missing"),
    (lambda d: d.update(threshold=2),
     ("rating.json: (top level).threshold: unknown key (expected one of: low_threshold, "
     "link_lifetime_days, change_window_days, close_after_days, email_text, page_text)")),
])
def test_mistakes_are_reported_and_nothing_is_loaded(demo, folder, change, problem):
    data = shipped()
    change(data)
    write(folder, data)
    # Another file's valid change, written only if everything validated.
    fasttracks = json.loads((folder / "fasttracks.json").read_text(encoding="utf-8"))
    fasttracks["settings"]["warning_lead_hours"] = 99
    (folder / "fasttracks.json").write_text(json.dumps(fasttracks), encoding="utf-8")
    with pytest.raises(RegionConfigError) as error:
        load_region_folder(folder)
    assert problem in [str(p) for p in error.value.problems]
    assert stored(demo) == (2, 30, 7, 14, "", "")
    assert FastTrackSettings.objects.get(region=demo).warning_lead_hours == 24


def test_a_top_level_that_is_not_an_object_is_a_problem(demo, folder):
    (folder / "rating.json").write_text("[]", encoding="utf-8")
    with pytest.raises(RegionConfigError) as error:
        load_region_folder(folder)
    assert "rating.json: (top level): must be an object" in [
        str(p) for p in error.value.problems]
