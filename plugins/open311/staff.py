"""What staff see of the API: which integration filed a message ("ЕПГУ", "API: городское
приложение"), as a column of the API's own queue and of every export, and as a panel on
the message's page. Everything else about an API-filed message is the core's: it waits in
the same queues as any other."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.kernel.hookspecs import PagePanel, QueueColumn, StaffQueue
from cms.kernel.plugins import hookimpl
from cms.models import Channel, Role

__all__ = ["appeal_admin_panels", "appeal_export_columns", "staff_queues"]


def filing_of(appeal):
    """The message's API filing, or None (a message of another channel)."""
    return getattr(appeal, "open311_filing", None)


def channel_label(appeal) -> str:
    """The integration's label for an API-filed message; the channel's name otherwise."""
    filing = filing_of(appeal)
    if filing is not None:
        return filing.integration.channel_label
    return str(appeal.get_channel_display())


CHANNEL_COLUMN = QueueColumn(
    key="open311-channel",
    label=_("Channel"),
    value=channel_label,
    select_related=("open311_filing__integration",),
)


def filed_through_api(now) -> Q:
    return Q(channel=Channel.API)


API_QUEUE = StaffQueue(
    key="open311",
    label=_("Filed through the API"),
    roles=frozenset({Role.MODERATOR, Role.CURATOR}),
    where=filed_through_api,
    columns=(CHANNEL_COLUMN,),
    icon="link",
    order=65,
    counted=False,
)


@hookimpl
def staff_queues():
    return [API_QUEUE]


@hookimpl
def appeal_export_columns():
    return [CHANNEL_COLUMN]


@hookimpl
def appeal_admin_panels(appeal, request):
    filing = filing_of(appeal)
    if filing is None:
        return None
    return [PagePanel(title=str(_("API filing")),
                      template="open311/staff/filing_panel.html",
                      context={"filing": filing}, order=20)]
