"""`workflow.json` in a region's folder: the region's workflow settings.

Every field of `RegionWorkflowSettings` is required, so the file says everything the region
decides; the limits are the model's own validators. As with `rating.json`, a region without
the file keeps its settings (the defaults if it never had any), and `export_region` writes
the file only for a region that has its settings stored, so a round trip stores no row the
region did not have.
"""

from __future__ import annotations

from cms.models import RegionWorkflowSettings

from .files import RegionConfigFile, ValidationContext
from .schema import check_object
from .upsert import upsert

FIELDS = ("clarification_days",)


def _limits(name: str) -> tuple[int, int]:
    validators = RegionWorkflowSettings._meta.get_field(name).validators
    by_code = {validator.code: validator.limit_value for validator in validators}
    return by_code["min_value"], by_code["max_value"]


class WorkflowFile(RegionConfigFile):
    filename = "workflow.json"
    order = 33
    spec = {name: ((int,), True) for name in FIELDS}

    def validate(self, data, ctx: ValidationContext) -> None:
        if not check_object(ctx, self.filename, "(top level)", data, self.spec):
            return
        for name in FIELDS:
            lowest, highest = _limits(name)
            if not lowest <= data[name] <= highest:
                ctx.problem(self.filename, name, f"must be from {lowest} to {highest}")

    def load(self, region, data, report) -> None:
        upsert(RegionWorkflowSettings, {"region": region},
               {name: data[name] for name in FIELDS}, report, "workflow settings",
               region.code)

    def export(self, region):
        settings = RegionWorkflowSettings.objects.filter(region=region).first()
        if settings is None:
            return None
        return {name: getattr(settings, name) for name in FIELDS}
