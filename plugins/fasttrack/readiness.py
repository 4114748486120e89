"""The fast-track plugin's readiness check: fast tracks with no term in force.

A fast track switched off keeps its row (and the region's files name it) but shortens no
deadline: its subcategory's messages get the regular terms. A warning, not a blocker: the
regular terms still apply. One query.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cms.kernel.hookspecs import ReadinessItem

from .models import FastTrack


def fasttrack_readiness(region) -> list[ReadinessItem]:
    switched_off = (FastTrack.objects.filter(region=region, is_active=False)
                    .select_related("category", "subcategory"))
    return [
        ReadinessItem(
            check="fast-track-off",
            message=_("The fast track for %(subject)s is switched off: no shorter term "
                      "applies.") % {"subject": track.subcategory or track.category},
            fix_url=reverse("fasttrack_fasttrack_modeladmin_edit", args=(track.pk,)),
        )
        for track in switched_off
    ]
