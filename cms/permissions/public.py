"""What anyone may see without logging in: the public lists of a region's messages.

Asked by the public interfaces (the Open311 GeoReport API's GET requests). Which fields
of a listed message are shown stays with the interface (the API shows a message's text,
place and files only to the integration that filed it); which messages are listed is
decided here, with the staff and citizen policies of this package.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cms.models import Appeal


def public_appeals(region) -> QuerySet[Appeal]:
    """The messages of `region` an anonymous caller may list: all of them (their status,
    category, addressee and dates are public; no personal data is listed here)."""
    return Appeal.objects.filter(region=region)
