"""`retention.json` in a region's folder: the region's personal data retention period.

Optional: a region without the file keeps the default (five years). The rules of such a
file are `SettingsFile`'s.
"""

from __future__ import annotations

from cms.regionconfig.settings_file import SettingsFile

from .models import RetentionSettings


class RetentionFile(SettingsFile):
    filename = "retention.json"
    order = 34
    model = RetentionSettings
    fields = ("personal_data_retention_days",)
    label = "retention settings"
