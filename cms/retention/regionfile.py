"""`retention.json` in a region's folder: the region's personal data retention period.

Optional: a region without the file keeps the default (five years), and the export writes
the file only for a region with its own row, so an export round-trips. The limits are the
model's own validators, so the file and the admin's "Region settings" page refuse the
same values. Listed among the core's region files by `cms.regionconfig.loader`.
"""

from __future__ import annotations

from cms.regionconfig.files import RegionConfigFile, ValidationContext
from cms.regionconfig.schema import check_object
from cms.regionconfig.upsert import upsert

from .models import RetentionSettings

FIELDS = ("personal_data_retention_days",)


def _limit(name: str, code: str) -> int:
    validators = RetentionSettings._meta.get_field(name).validators
    return next(validator.limit_value for validator in validators if validator.code == code)


class RetentionFile(RegionConfigFile):
    filename = "retention.json"
    order = 34
    spec = {name: ((int,), True) for name in FIELDS}

    def validate(self, data, ctx: ValidationContext) -> None:
        if not check_object(ctx, self.filename, "(top level)", data, self.spec):
            return
        for name in FIELDS:
            lowest, highest = _limit(name, "min_value"), _limit(name, "max_value")
            if not lowest <= data[name] <= highest:
                ctx.problem(self.filename, name, f"must be from {lowest} to {highest}")

    def load(self, region, data, report) -> None:
        upsert(RetentionSettings, {"region": region}, {name: data[name] for name in FIELDS},
               report, "retention settings", region.code)

    def export(self, region):
        settings = RetentionSettings.objects.filter(region=region).first()
        if settings is None:
            return None
        return {name: getattr(settings, name) for name in FIELDS}
