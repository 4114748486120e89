"""The hooks of ПОС: the one reference for plugin authors.

Every hook a plugin may implement is declared here with an empty body; its docstring is its
documentation. Hooks receive keyword arguments only, so an implementation may accept just the
ones it needs. The kernel (`cms.plugins`) calls a hook only on the plugins enabled for the
region in question, so an implementation never checks region switches itself.

Write an implementation with `cms.plugins.hookimpl`::

    from cms.plugins import hookimpl

    @hookimpl
    def choose_addressee(appeal):
        ...

and register the module or object through the `pos.plugins` entry-point group of your
distribution (see README, "Writing a plugin").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from cms.models import Appeal, AppealEvent, Organisation
    from cms.regionconfig.files import RegionConfigFile

hookspec = pluggy.HookspecMarker("pos")


@dataclass(frozen=True)
class AddresseeChoice:
    """What `choose_addressee` answers: the organisation, and why it was chosen.

    `explanation` is shown to moderators in the message's history; `details` is stored with
    the routing event (for example the id of the rule that matched).
    """

    organisation: Organisation
    explanation: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineChoice:
    """What `appeal_deadline` answers: the due time, whether it is a fast track, and why."""

    due_at: datetime
    is_fast_track: bool = False
    explanation: str = ""


@hookspec(firstresult=True)
def choose_addressee(appeal: Appeal) -> AddresseeChoice | None:
    """Choose the organisation that should handle a new (or re-categorised) message.

    :param appeal: the message, not necessarily saved yet, with `region`, `channel`,
        `widget_organisation`, `category`, `subcategory` and `territory` set.

    Return an `AddresseeChoice`, or None to let the next plugin decide. The first non-None
    answer wins; the core answers last with the region's default moderating organisation.
    """


@hookspec(firstresult=True)
def appeal_deadline(appeal: Appeal, start: datetime) -> DeadlineChoice | None:
    """Compute the deadline of a message registered (or restarted) at `start`.

    :param appeal: the message with `region`, `category` and `subcategory` set.
    :param start: an aware datetime, the moment the clock starts.

    Return a `DeadlineChoice`, or None to let the next plugin decide. The first non-None
    answer wins; the core answers last with the subcategory's total term counted in
    weekdays, without a holiday calendar.
    """


@hookspec
def appeal_transitioned(appeal: Appeal, event: AppealEvent) -> None:
    """Be told that a message changed: called after every workflow event is written.

    :param appeal: the message as it is after the change.
    :param event: the `AppealEvent` just recorded (kind, actor, from, to, reason).

    Called inside the transaction that wrote the event: schedule side effects (e-mail,
    webhooks) with `transaction.on_commit`, never send them directly. The return value is
    ignored.
    """


@dataclass(frozen=True)
class PagePanel:
    """A section a plugin adds to a message's page: a title and a template to render.

    The template gets `appeal`, `request` and everything in `context`.
    """

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@hookspec
def appeal_admin_panels(appeal: Appeal, request: Any) -> list[PagePanel] | None:
    """Sections to show on a message's page in the staff admin (for example the deadline
    stages and which one is late). Return a list of `PagePanel`, or None.

    :param appeal: a message the requesting staff member may see (already checked).
    :param request: the admin request.
    """


@hookspec
def appeal_public_panels(appeal: Appeal, request: Any) -> list[PagePanel] | None:
    """Sections to show on the citizen's page of their message (for example the rating
    form). Return a list of `PagePanel`, or None. Never put staff-only data here.

    :param appeal: the citizen's own message (already checked).
    :param request: the citizen's request.
    """


@hookspec(firstresult=True)
def postponement_limit(appeal: Appeal, now: datetime) -> datetime | None:
    """The latest date a postponement of this message may set.

    :param appeal: the message an executor proposes to postpone.
    :param now: an aware datetime, the moment of the proposal.

    The first non-None answer wins; the core answers last with the 59-FZ limit: the
    current deadline plus 30 days. The workflow refuses a new date after this limit or not
    later than `now`.
    """


@hookspec
def region_config_files() -> list[RegionConfigFile]:
    """Declare the files this plugin reads from and writes to a region's config folder.

    Return a list of `cms.regionconfig.files.RegionConfigFile` instances (for example the
    routing plugin's `routing.json`). `load_region` validates every declared file together
    with the core's files and loads nothing if any has a problem; `export_region` writes each
    back. Called once per command, on every registered plugin, whatever a region's switches
    say: a region's files are valid or not regardless of what it has switched off.
    """


@hookspec(firstresult=True)
def sign_oidc_request(params: dict[str, str], endpoint: str, kind: str) -> dict[str, str] | None:
    """Sign a request the citizens' login sends to the identity provider.

    ЕСИА requires its clients to sign their requests (GOST R 34.10-2012): a plugin that
    holds the installation's certificate implements this hook; a standard OpenID Connect
    provider needs none.

    :param params: the parameters exactly as they will be sent (a copy): the query of the
        authorisation redirect, or the form body of the token request (`grant_type`,
        `code`, `code_verifier`, `redirect_uri`, `client_id` and the client's credentials).
    :param endpoint: the URL the request goes to.
    :param kind: `"authorization"` for the redirect that starts a login, `"token"` for the
        back-channel exchange of the code.

    Return the parameters to add or replace (for ЕСИА: `client_secret` holding the
    signature, `timestamp`, `client_certificate_hash`), or None to send the request as it
    is. The first non-None answer wins. Called on every registered plugin, regardless of
    region switches: the login belongs to the installation, not to a region.
    """
