"""`fasttracks.json` in a region's folder: settings, fast tracks and calendar amendments.

The format is documented in docs/config-format.md ("fasttracks.json"). Rows are matched by
natural key (a fast track by its category or subcategory code, an amendment by its date);
rows missing from the file are left alone, as everywhere in the region files (switch a
fast track off with `"is_active": false`), and listed as existing only in the database;
`load_region --prune` deletes them (a message keeps the deadline it was given).
"""

from __future__ import annotations

import re
from datetime import date, time

from cms.models import Category, Subcategory
from cms.regionconfig.files import RegionConfigFile, Stray, ValidationContext
from cms.regionconfig.schema import check_list, check_object, check_unique
from cms.regionconfig.upsert import upsert

from .models import (
    LEGAL_POSTPONEMENT_DAYS,
    MAX_TERM_DAYS,
    MAX_TERM_HOURS,
    CalendarAmendment,
    FastTrack,
    FastTrackSettings,
    TermUnit,
)

TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
TERM_LIMITS = {TermUnit.DAYS: MAX_TERM_DAYS, TermUnit.HOURS: MAX_TERM_HOURS}
NOTE_LENGTH = 255


def _time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if re.match(r"^\d{4}-\d{2}-\d{2}$", value) else None
    except ValueError:
        return None


class FastTracksFile(RegionConfigFile):
    filename = "fasttracks.json"
    order = 60
    spec = {
        "settings": ((dict,), True),
        "fast_tracks": ((list,), True),
        "calendar": ((list,), True),
    }
    settings_spec = {
        "postponement_cap_days": ((int,), True),
        "warning_lead_hours": ((int,), True),
        "workday_start": ((str,), True),
        "workday_end": ((str,), True),
    }
    track_spec = {
        "category": ((str, None), True),
        "subcategory": ((str, None), True),
        "term": ((int,), True),
        "unit": ((str,), True),
        "is_active": ((bool,), False),
        "note": ((str,), False),
    }
    amendment_spec = {
        "date": ((str,), True),
        "is_working_day": ((bool,), True),
        "note": ((str,), False),
    }

    def validate(self, data, ctx: ValidationContext) -> None:
        if not check_object(ctx, self.filename, "(top level)", data, self.spec):
            return
        self._validate_settings(data["settings"], ctx)
        if check_list(ctx, self.filename, data["fast_tracks"]):
            self._validate_tracks(data["fast_tracks"], ctx)
        if check_list(ctx, self.filename, data["calendar"]):
            self._validate_calendar(data["calendar"], ctx)

    def _validate_settings(self, settings, ctx) -> None:
        file = self.filename
        if not check_object(ctx, file, "settings", settings, self.settings_spec):
            return
        cap = settings["postponement_cap_days"]
        if not 1 <= cap <= LEGAL_POSTPONEMENT_DAYS:
            ctx.problem(file, "settings.postponement_cap_days",
                        f"must be from 1 to {LEGAL_POSTPONEMENT_DAYS} (the 59-FZ limit)")
        if not 1 <= settings["warning_lead_hours"] <= 720:
            ctx.problem(file, "settings.warning_lead_hours", "must be from 1 to 720")
        times_ok = True
        for name in ("workday_start", "workday_end"):
            if not TIME_RE.match(settings[name]):
                ctx.problem(file, f"settings.{name}", "must be a time as HH:MM")
                times_ok = False
        if times_ok and _time(settings["workday_start"]) >= _time(settings["workday_end"]):
            ctx.problem(file, "settings.workday_end", "must be after workday_start")

    def _validate_tracks(self, tracks, ctx) -> None:
        file = self.filename
        seen: set[str] = set()
        for index, item in enumerate(tracks):
            key = f"fast_tracks[{index}]"
            if not check_object(ctx, file, key, item, self.track_spec):
                continue
            category, subcategory = item["category"], item["subcategory"]
            if (category is None) == (subcategory is None):
                ctx.problem(file, key, "give either a category or a subcategory, not both")
                continue
            kind, code = ("subcategory", subcategory) if subcategory else ("category", category)
            key = f"{key} ({code})"
            if code not in ctx.codes(kind):
                ctx.problem(file, f"{key}.{kind}", f"unknown {kind} {code!r}")
            check_unique(ctx, file, key, seen, code, "fast track for")
            unit = item["unit"]
            if unit not in TERM_LIMITS:
                ctx.problem(file, f"{key}.unit",
                            f"unknown unit {unit!r} (expected one of: {', '.join(TERM_LIMITS)})")
            elif not 1 <= item["term"] <= TERM_LIMITS[unit]:
                ctx.problem(file, f"{key}.term",
                            f"must be from 1 to {TERM_LIMITS[unit]} {unit}")
            if len(item.get("note", "")) > NOTE_LENGTH:
                ctx.problem(file, f"{key}.note", f"longer than {NOTE_LENGTH} characters")

    def _validate_calendar(self, amendments, ctx) -> None:
        file = self.filename
        seen: set[str] = set()
        for index, item in enumerate(amendments):
            key = f"calendar[{index}]"
            if not check_object(ctx, file, key, item, self.amendment_spec):
                continue
            if _date(item["date"]) is None:
                ctx.problem(file, f"{key}.date", f"{item['date']!r} is not a date (YYYY-MM-DD)")
                continue
            check_unique(ctx, file, f"{key}.date", seen, item["date"], "date")
            if len(item.get("note", "")) > NOTE_LENGTH:
                ctx.problem(file, f"{key}.note", f"longer than {NOTE_LENGTH} characters")

    def load(self, region, data, report) -> None:
        settings = data["settings"]
        upsert(
            FastTrackSettings, {"region": region},
            {
                "postponement_cap_days": settings["postponement_cap_days"],
                "warning_lead_hours": settings["warning_lead_hours"],
                "workday_start": _time(settings["workday_start"]),
                "workday_end": _time(settings["workday_end"]),
            },
            report, "deadline settings", region.code,
        )
        categories = dict(Category.objects.values_list("code", "pk"))
        subcategories = dict(Subcategory.objects.values_list("code", "pk"))
        for item in data["fast_tracks"]:
            code = item["subcategory"] or item["category"]
            upsert(
                FastTrack,
                {
                    "region": region,
                    "category_id": categories.get(item["category"]),
                    "subcategory_id": subcategories.get(item["subcategory"]),
                },
                {
                    "term": item["term"],
                    "unit": item["unit"],
                    "is_active": item.get("is_active", True),
                    "note": item.get("note", ""),
                },
                report, "fast track", code,
            )
        for item in data["calendar"]:
            upsert(
                CalendarAmendment, {"region": region, "date": _date(item["date"])},
                {"is_working_day": item["is_working_day"], "note": item.get("note", "")},
                report, "calendar amendment", item["date"],
            )

    def export(self, region):
        settings = FastTrackSettings.objects.filter(region=region).first()
        tracks = sorted(
            FastTrack.objects.filter(region=region).select_related("category", "subcategory"),
            # Sorted here, not in SQL: the database's collation must not change the file.
            key=lambda track: track.subject_code,
        )
        amendments = list(CalendarAmendment.objects.filter(region=region).order_by("date"))
        if settings is None and not tracks and not amendments:
            return None
        settings = settings or FastTrackSettings(region=region)
        return {
            "settings": {
                "postponement_cap_days": settings.postponement_cap_days,
                "warning_lead_hours": settings.warning_lead_hours,
                "workday_start": settings.workday_start.strftime("%H:%M"),
                "workday_end": settings.workday_end.strftime("%H:%M"),
            },
            "fast_tracks": [
                {
                    "category": track.category.code if track.category_id else None,
                    "subcategory": track.subcategory.code if track.subcategory_id else None,
                    "term": track.term,
                    "unit": track.unit,
                    "is_active": track.is_active,
                    "note": track.note,
                }
                for track in tracks
            ],
            "calendar": [
                {
                    "date": amendment.date.isoformat(),
                    "is_working_day": amendment.is_working_day,
                    "note": amendment.note,
                }
                for amendment in amendments
            ],
        }

    def strays(self, region, data):
        tracks = {item["subcategory"] or item["category"] for item in data["fast_tracks"]}
        dates = {item["date"] for item in data["calendar"]}
        return [
            *(Stray("fast track", track.subject_code, remove=track.delete)
              for track in sorted(FastTrack.objects.filter(region=region)
                                  .select_related("category", "subcategory"),
                                  key=lambda track: track.subject_code)
              if track.subject_code not in tracks),
            *(Stray("calendar amendment", amendment.date.isoformat(), remove=amendment.delete)
              for amendment in CalendarAmendment.objects.filter(region=region).order_by("date")
              if amendment.date.isoformat() not in dates),
        ]
