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
    """The citizen's page of the message (the portal app is part of the core)."""
    return public_root(appeal.region) + reverse(
        "portal:message", kwargs={"public_id": appeal.public_id})


def staff_link(appeal) -> str:
    return staff_root() + reverse("pos_messages:detail", kwargs={"pk": appeal.pk})
