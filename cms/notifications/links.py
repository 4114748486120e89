"""Absolute links in e-mails: one place decides the address a letter points to.

A citizen's link goes to the region's public address: the host name and port of the
region's portal site (Wagtail's Site, set in Settings → Sites; port 443 means https). A
region without a site falls back to the installation's address. Staff links go to the
administration, which is one for the whole installation (WAGTAILADMIN_BASE_URL).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def staff_root() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def public_root(region) -> str:
    """The region's public address, without a trailing slash."""
    site = region.site if region is not None else None
    return site.root_url.rstrip("/") if site is not None else staff_root()


def citizen_link(appeal) -> str:
    """The citizen's page of the message (the portal app is part of the core). The
    region's address is kept per region version (a site saved bumps it): registration
    links every confirmation, and would otherwise read the site on every submit."""
    from cms.submission.region_cache import region_cached

    region = appeal.region
    root = region_cached(region, "links:public-root", lambda: public_root(region))
    return root + reverse(
        "portal:message", kwargs={"public_id": appeal.public_id})


def staff_link(appeal) -> str:
    return staff_root() + reverse("pos_messages:detail", kwargs={"pk": appeal.pk})
