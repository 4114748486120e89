"""fasttracks.json: the demo's file loads idempotently and exports identically; mistakes
are reported by file and key, and nothing is loaded."""

import json
import shutil
from datetime import time

import pytest
from django.conf import settings

from cms.regionconfig.files import RegionConfigError
from cms.regionconfig.loader import export_region_folder, load_region_folder
from plugins.fasttrack.models import CalendarAmendment, FastTrack, FastTrackSettings

SHIPPED = settings.POS_CONFIG_DIR / "demo" / "fasttracks.json"


@pytest.fixture
def folder(region, tmp_path):
    copy = tmp_path / "demo"
    shutil.copytree(settings.POS_CONFIG_DIR / "demo", copy)
    return copy


def write(folder, data):
    (folder / "fasttracks.json").write_text(json.dumps(data, ensure_ascii=False),
                                            encoding="utf-8")


def test_the_demo_file_loads_once_and_exports_identically(region, tmp_path):
    result = load_region_folder(settings.POS_CONFIG_DIR / "demo")
    assert not result.report.changed
    assert sorted(FastTrack.objects.filter(region=region).values_list(
        "subcategory__code", "term", "unit")) == [
        ("03.02", 2, "days"), ("04.01", 3, "days"), ("06.05", 24, "hours")]
    assert CalendarAmendment.objects.filter(region=region, is_working_day=False).exists()
    export_region_folder(region, tmp_path / "out")
    assert (tmp_path / "out" / "fasttracks.json").read_text(encoding="utf-8") == (
        SHIPPED.read_text(encoding="utf-8"))


def test_changes_in_the_file_are_loaded_and_reported(region, folder):
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["settings"].update(warning_lead_hours=8, workday_start="08:30")
    data["fast_tracks"].append({"category": "25", "subcategory": None, "term": 5,
                                "unit": "days"})
    data["calendar"].append({"date": "2026-06-13", "is_working_day": True})
    write(folder, data)
    report = load_region_folder(folder).report
    assert "updated deadline settings demo (warning_lead_hours, workday_start)" in report.lines
    assert "created fast track 25" in report.lines
    assert "created calendar amendment 2026-06-13" in report.lines
    stored = FastTrackSettings.objects.get(region=region)
    assert (stored.warning_lead_hours, stored.workday_start) == (8, time(8, 30))
    assert not load_region_folder(folder).report.changed


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d["fast_tracks"][0].update(subcategory="99.99"),
     "fasttracks.json: fast_tracks[0] (99.99).subcategory: unknown subcategory '99.99'"),
    (lambda d: d["fast_tracks"][0].update(category="03"),
     "fasttracks.json: fast_tracks[0]: give either a category or a subcategory, not both"),
    (lambda d: d["fast_tracks"][1].update(unit="weeks"),
     "fasttracks.json: fast_tracks[1] (04.01).unit: unknown unit 'weeks' (expected one of: "
     "days, hours)"),
    (lambda d: d["fast_tracks"][1].update(term=31),
     "fasttracks.json: fast_tracks[1] (04.01).term: must be from 1 to 30 days"),
    (lambda d: d["fast_tracks"].append(dict(d["fast_tracks"][0])),
     "fasttracks.json: fast_tracks[3] (03.02): duplicate fast track for '03.02'"),
    (lambda d: d["fast_tracks"][2].update(speed="fast"),
     "fasttracks.json: fast_tracks[2].speed: unknown key (expected one of: category, "
     "subcategory, term, unit, is_active, note)"),
    (lambda d: d["settings"].update(workday_end="08:00"),
     "fasttracks.json: settings.workday_end: must be after workday_start"),
    (lambda d: d["settings"].update(workday_start="9am"),
     "fasttracks.json: settings.workday_start: must be a time as HH:MM"),
    (lambda d: d["settings"].update(postponement_cap_days=45),
     "fasttracks.json: settings.postponement_cap_days: must be from 1 to 30 (the 59-FZ limit)"),
    (lambda d: d["calendar"].append({"date": "2026-02-30", "is_working_day": False}),
     "fasttracks.json: calendar[1].date: '2026-02-30' is not a date (YYYY-MM-DD)"),
    (lambda d: d["calendar"].append(dict(d["calendar"][0])),
     "fasttracks.json: calendar[1].date: duplicate date '2026-12-18'"),
    (lambda d: d.pop("calendar"), "fasttracks.json: (top level).calendar: missing"),
])
def test_mistakes_are_reported_and_nothing_is_loaded(region, folder, change, problem):
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    change(data)
    data["settings"]["warning_lead_hours"] = 99  # would change if anything loaded
    write(folder, data)
    with pytest.raises(RegionConfigError) as error:
        load_region_folder(folder)
    assert problem in [str(p) for p in error.value.problems]
    assert FastTrackSettings.objects.get(region=region).warning_lead_hours == 24
