"""The demo region's public pages, from the region's own `portal.json`.

The portal of every region, the demo's included, is described by its folder's
`portal.json` and made by `load_region` (`cms.regionconfig.portal`). `create_demo_pages`
stays for tests and scripts that need the demo's portal on a region loaded without it:
it loads that one file, and changes nothing when the pages are already as the file says.
"""

from __future__ import annotations

import json

from django.conf import settings

from cms.regionconfig.files import ChangeReport
from cms.regionconfig.portal import PortalFile, home_of, tree_root

__all__ = ["DEMO_WIDGET_ORGANISATION", "create_demo_pages", "tree_root"]

# The demo organisation whose "own website" (/widget-demo/<code>/) embeds the widget.
DEMO_WIDGET_ORGANISATION = "adm-gorsk"


def create_demo_pages(region):
    """The region's portal as its folder's `portal.json` describes it; returns the home."""
    path = settings.POS_CONFIG_DIR / region.code / PortalFile.filename
    data = json.loads(path.read_text(encoding="utf-8"))
    PortalFile().load(region, data, ChangeReport())
    region.refresh_from_db(fields=["site"])
    return home_of(region)
