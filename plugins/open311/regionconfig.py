"""`open311.json` in a region's folder: the region's API integrations and the points that
place coordinates in its territories.

    {
      "integrations": [
        {"name": "ЕПГУ", "channel_label": "ЕПГУ", "vouches_for_esia": true,
         "rate_per_minute": 120, "services": [], "note": "..."}
      ],
      "territory_points": [
        {"territory": "gorsk", "lat": 54.19, "long": 37.62, "radius_km": 12}
      ]
    }

Keys are never in files: an integration loaded from a file has none until a region admin
issues one in the admin (or `open311_demo_request` does, for the demo). Revocation is the
admin's too, so a load neither revokes nor restores an integration.
"""

from __future__ import annotations

from decimal import Decimal

from cms.kernel.plugins import hookimpl
from cms.models import Subcategory, Territory
from cms.regionconfig.files import RegionConfigFile, ValidationContext
from cms.regionconfig.schema import check_object, check_string_list, check_unique
from cms.regionconfig.upsert import sync_many, upsert

from .models import Integration, TerritoryPoint

FILENAME = "open311.json"
INTEGRATION_SPEC = {
    "name": ((str,), True),
    "channel_label": ((str,), True),
    "vouches_for_esia": ((bool,), True),
    "rate_per_minute": ((int,), True),
    "services": ((list,), False),
    "note": ((str,), False),
}
POINT_SPEC = {
    "territory": ((str,), True),
    "lat": ((int, float), True),
    "long": ((int, float), True),
    "radius_km": ((int, float), True),
}

__all__ = ["Open311File", "region_config_files"]


class Open311File(RegionConfigFile):
    filename = FILENAME
    order = 80  # after the territories and the classifier it names

    def validate(self, data, ctx: ValidationContext) -> None:
        spec = {"integrations": ((list,), False), "territory_points": ((list,), False)}
        if not check_object(ctx, FILENAME, "(top level)", data, spec):
            return
        names: set[str] = set()
        for index, item in enumerate(data.get("integrations", [])):
            key = f"integrations[{index}]"
            if not check_object(ctx, FILENAME, key, item, INTEGRATION_SPEC):
                continue
            check_unique(ctx, FILENAME, f"{key}.name", names, item["name"], "name")
            if not item["name"].strip() or len(item["name"]) > 100:
                ctx.problem(FILENAME, f"{key}.name", "must be 1 to 100 characters")
            if not item["channel_label"].strip() or len(item["channel_label"]) > 100:
                ctx.problem(FILENAME, f"{key}.channel_label", "must be 1 to 100 characters")
            if not 1 <= item["rate_per_minute"] <= 10_000:
                ctx.problem(FILENAME, f"{key}.rate_per_minute", "must be from 1 to 10000")
            known = ctx.codes("subcategory")
            for code in check_string_list(ctx, FILENAME, f"{key}.services",
                                          item.get("services", [])):
                if code not in known:
                    ctx.problem(FILENAME, f"{key}.services", f"unknown subcategory {code!r}")
        territories = ctx.codes("territory")
        seen: set[str] = set()
        for index, item in enumerate(data.get("territory_points", [])):
            key = f"territory_points[{index}]"
            if not check_object(ctx, FILENAME, key, item, POINT_SPEC):
                continue
            check_unique(ctx, FILENAME, f"{key}.territory", seen, item["territory"],
                         "territory")
            if item["territory"] not in territories:
                ctx.problem(FILENAME, f"{key}.territory",
                            f"unknown territory {item['territory']!r}")
            if not -90 <= item["lat"] <= 90 or not -180 <= item["long"] <= 180:
                ctx.problem(FILENAME, key, "lat must be within ±90 and long within ±180")
            if not 0 < item["radius_km"] <= 10_000:
                ctx.problem(FILENAME, f"{key}.radius_km", "must be above 0 and at most 10000")

    def load(self, region, data, report) -> None:
        for item in data.get("integrations", []):
            values = {name: item[name] for name in ("channel_label", "vouches_for_esia",
                                                    "rate_per_minute")}
            values["note"] = item.get("note", "")
            integration = upsert(Integration, {"region": region, "name": item["name"]},
                                 values, report, "API integration",
                                 f"{region.code}/{item['name']}")
            services = list(Subcategory.objects.filter(code__in=item.get("services", [])))
            sync_many(integration, "services", services, report, "API integration",
                      f"{region.code}/{item['name']}")
        by_code = {territory.code: territory
                   for territory in Territory.objects.filter(region=region)}
        for item in data.get("territory_points", []):
            upsert(TerritoryPoint, {"territory": by_code[item["territory"]]}, {
                "latitude": Decimal(str(item["lat"])).quantize(Decimal("0.000001")),
                "longitude": Decimal(str(item["long"])).quantize(Decimal("0.000001")),
                "radius_km": Decimal(str(item["radius_km"])).quantize(Decimal("0.01")),
            }, report, "territory point", f"{region.code}/{item['territory']}")

    def export(self, region):
        integrations = [
            {"name": integration.name, "channel_label": integration.channel_label,
             "vouches_for_esia": integration.vouches_for_esia,
             "rate_per_minute": integration.rate_per_minute,
             "services": sorted(service.code for service in integration.services.all()),
             **({"note": integration.note} if integration.note else {})}
            for integration in Integration.objects.filter(region=region)
            .prefetch_related("services").order_by("name")
        ]
        points = [
            {"territory": point.territory.code, "lat": float(point.latitude),
             "long": float(point.longitude), "radius_km": float(point.radius_km)}
            for point in TerritoryPoint.objects.filter(territory__region=region)
            .select_related("territory").order_by("territory__path")
        ]
        if not integrations and not points:
            return None
        return {"integrations": integrations, "territory_points": points}


@hookimpl
def region_config_files() -> list[RegionConfigFile]:
    return [Open311File()]
