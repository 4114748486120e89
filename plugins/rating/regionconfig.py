"""`rating.json` in a region's folder: the region's rating settings.

The format is documented in docs/config-format.md ("rating.json"). Every field of
`RatingSettings` is required, so a file says everything the region decides and an export
round-trips exactly. The limits are the model's own validators, read from the fields, so
the file and the admin's "Region settings" page refuse the same values.
"""

from __future__ import annotations

from cms.kernel.plugins import hookimpl
from cms.regionconfig.files import RegionConfigFile, ValidationContext
from cms.regionconfig.schema import check_object
from cms.regionconfig.upsert import upsert

from .models import RatingSettings

NUMBERS = ("low_threshold", "link_lifetime_days", "change_window_days", "close_after_days")
TEXTS = ("email_text", "page_text")
FIELDS = NUMBERS + TEXTS

__all__ = ["RatingFile", "region_config_files"]


def _limit(name: str, code: str) -> int:
    """The limit the field's validator with `code` ("min_value", "max_length", ...) sets."""
    validators = RatingSettings._meta.get_field(name).validators
    return next(validator.limit_value for validator in validators if validator.code == code)


class RatingFile(RegionConfigFile):
    filename = "rating.json"
    order = 70
    spec = {name: ((int,), True) for name in NUMBERS} | {name: ((str,), True)
                                                        for name in TEXTS}

    def validate(self, data, ctx: ValidationContext) -> None:
        if not check_object(ctx, self.filename, "(top level)", data, self.spec):
            return
        for name in NUMBERS:
            lowest, highest = _limit(name, "min_value"), _limit(name, "max_value")
            if not lowest <= data[name] <= highest:
                ctx.problem(self.filename, name, f"must be from {lowest} to {highest}")
        for name in TEXTS:
            longest = _limit(name, "max_length")
            if len(data[name]) > longest:
                ctx.problem(self.filename, name, f"longer than {longest} characters")

    def load(self, region, data, report) -> None:
        upsert(RatingSettings, {"region": region}, {name: data[name] for name in FIELDS},
               report, "rating settings", region.code)

    def export(self, region):
        settings = RatingSettings.objects.filter(region=region).first()
        if settings is None:
            return None
        return {name: getattr(settings, name) for name in FIELDS}


@hookimpl
def region_config_files() -> list[RegionConfigFile]:
    return [RatingFile()]
