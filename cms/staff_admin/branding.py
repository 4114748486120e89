"""What the admin calls itself: the platform (`WAGTAIL_SITE_NAME`, "ПОС"), followed by
the region's name for staff who work in one region only.

Read once per request (two queries at most), for the page title, the sidebar's mark and the
dashboard's heading.
"""

from __future__ import annotations

from django.conf import settings

from cms.models import Region
from cms.permissions.policy import staff_region_ids


def staff_region(user) -> Region | None:
    """The user's one region (any staff grant on it or on one of its organisations), or
    None when they have none or several (a superuser: every region)."""
    if not (user and user.is_authenticated) or user.is_superuser:
        return None
    region_ids = staff_region_ids(user)
    if not region_ids or len(region_ids) != 1:
        return None
    return Region.objects.only("name", "name_en").filter(pk=region_ids[0]).first()


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
