"""The rating plugin's section of the admin's "Region settings" page.

`RatingSettings` (plugins/rating/models.py) holds the region's threshold, link lifetime,
change window, closing wait and texts; the core renders and saves its section because the
plugin declares it through `region_settings_models`. A region without a row uses the
defaults (`RatingSettings.for_region`).
"""

from __future__ import annotations

from cms.kernel.plugins import hookimpl

from .models import RatingSettings

__all__ = ["region_settings_models"]


@hookimpl
def region_settings_models() -> list[type[RatingSettings]]:
    return [RatingSettings]
