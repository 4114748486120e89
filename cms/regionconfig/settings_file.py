"""A region file that holds one per-region settings model's fields (`workflow.json`,
`retention.json`).

Every field the file names is required, so the file says everything the region decides;
the limits are the model's own validators, so the file and the "Region settings" page
refuse the same values. A region without the file keeps its settings (the defaults if it
never had any), and `export_region` writes the file only for a region with its own row,
so a round trip stores no row the region did not have.
"""

from __future__ import annotations

from .files import RegionConfigFile, ValidationContext
from .schema import check_object
from .upsert import upsert


class SettingsFile(RegionConfigFile):
    model = None  # a RegionSettings model
    fields: tuple[str, ...] = ()
    label = ""  # how the change report names the row

    @property
    def spec(self):
        return {name: ((int,), True) for name in self.fields}

    def limits(self, name: str) -> tuple[int, int]:
        validators = self.model._meta.get_field(name).validators
        by_code = {validator.code: validator.limit_value for validator in validators}
        return by_code["min_value"], by_code["max_value"]

    def validate(self, data, ctx: ValidationContext) -> None:
        if not check_object(ctx, self.filename, "(top level)", data, self.spec):
            return
        for name in self.fields:
            lowest, highest = self.limits(name)
            if not lowest <= data[name] <= highest:
                ctx.problem(self.filename, name, f"must be from {lowest} to {highest}")

    def load(self, region, data, report) -> None:
        upsert(self.model, {"region": region}, {name: data[name] for name in self.fields},
               report, self.label, region.code)

    def export(self, region):
        settings = self.model.objects.filter(region=region).first()
        if settings is None:
            return None
        return {name: getattr(settings, name) for name in self.fields}
