"""What the admin calls itself: the platform (`WAGTAIL_SITE_NAME`, "ПОС"), followed by
the region's name for staff who work in one region only.

Read once per request, for the page title, the sidebar's mark and the dashboard's heading;
the user's region comes from the admin shell's one query and the region's name is
remembered per process (`cms.staff_admin.shell`).
"""

from __future__ import annotations

from django.conf import settings

from .shell import staff_region


def admin_brand(request) -> str:
    """"ПОС", or "ПОС · <region>" for staff of one region; remembered on the request."""
    brand = getattr(request, "_pos_admin_brand", None)
    if brand is None:
        region = staff_region(getattr(request, "user", None))
        brand = settings.WAGTAIL_SITE_NAME
        if region is not None:
            brand = f"{brand} · {region.display_name}"
        request._pos_admin_brand = brand
    return brand
