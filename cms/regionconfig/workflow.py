"""`workflow.json` in a region's folder: the region's workflow settings (the rules of such
a file are `SettingsFile`'s)."""

from __future__ import annotations

from cms.models import RegionWorkflowSettings

from .settings_file import SettingsFile


class WorkflowFile(SettingsFile):
    filename = "workflow.json"
    order = 33
    model = RegionWorkflowSettings
    fields = ("clarification_days",)
    label = "workflow settings"
