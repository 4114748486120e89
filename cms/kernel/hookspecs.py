"""The hooks of ПОС: the one reference for plugin authors.

Every hook a plugin may implement is declared here with an empty body; its docstring is its
documentation. Hooks receive keyword arguments only, so an implementation may accept just the
ones it needs. The kernel (`cms.kernel.plugins`) calls a hook only on the plugins enabled for the
region in question, so an implementation never checks region switches itself.

Write an implementation with `cms.kernel.plugins.hookimpl`::

    from cms.kernel.plugins import hookimpl

    @hookimpl
    def choose_addressee(appeal):
        ...

and register the module or object through the `pos.plugins` entry-point group of your
distribution (see README, "Writing a plugin").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from django.db.models import Q
    from django.urls import URLPattern, URLResolver

    from cms.generator import GeneratedBatch
    from cms.models import Appeal, AppealEvent, Organisation, Region
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


# --- the deadline after a pause ----------------------------------------------------------


@hookspec(firstresult=True)
def deadline_after_pause(appeal: Appeal, paused_at: datetime, resumed_at: datetime
                         ) -> DeadlineChoice | None:
    """The message's deadline once its clock, paused at `paused_at` (a clarifying question
    to the citizen), runs again at `resumed_at`.

    :param appeal: the message, locked, with its deadline as it was before the pause.
    :param paused_at: an aware datetime, when the clock stopped.
    :param resumed_at: an aware datetime, when it runs again (the citizen answered).

    Return a `DeadlineChoice` (its `explanation` is the event's reason), or None to let
    the next plugin decide. The first non-None answer wins; the core answers last with the
    deadline moved by the calendar time paused. The core writes the deadline: one
    DEADLINE_CHANGED event, one version bump, one audit record. A plugin never writes a
    message itself.
    """


# --- staff queues --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueColumn:
    """A column of a queue's list (and of its export): a label and how to read the value.

    `value(appeal)` returns what the cell shows (text, a number, a date or HTML made with
    `format_html`). `select_related` names the relations `value` reads, so that a page of
    the list stays one query. What no relation of a message reaches (a row of a plugin's
    own table pointing at the message) comes from `annotations()`: named expressions
    (for example a `Subquery`) a queue's list adds to its query, which `value` reads as
    attributes of the row and `ordering` may name. Only a queue's own columns get them:
    an `appeal_export_columns` column reads relations.
    """

    key: str
    label: Any
    value: Callable[[Appeal], Any]
    select_related: tuple[str, ...] = ()
    ordering: str | None = None
    annotations: Callable[[], dict[str, Any]] | None = None


@dataclass(frozen=True)
class StaffQueue:
    """A staff queue: a named list of messages in the admin's menu, with its count.

    - `roles`: the staff roles that see it (`cms.models.Role` values). Its messages are
      the ones those roles' grants cover (the permission policy decides), narrowed by
    - `statuses` (None: any), `where(now)` (an extra `Q` on Appeal, or None), and
      `assigned_only` (only the messages assigned to the user);
    - `columns`: the list's columns after the core's (number, status, subcategory,
      territory, organisation, time left); exported too;
    - `menu_group`: the admin menu group it is listed in (`"messages"`, or
      `"oversight"` or `"reference"`);
    - `counted`: whether its menu entry shows a count (not for a region-wide list).

    A plugin's queue only lists messages of the regions where the plugin is on.
    """

    key: str
    label: Any
    roles: frozenset[str]
    statuses: frozenset[str] | None = None
    where: Callable[[datetime], Q] | None = None
    assigned_only: bool = False
    columns: tuple[QueueColumn, ...] = ()
    icon: str = "list-ul"
    menu_group: str = "messages"
    order: int = 100
    counted: bool = True


@hookspec
def staff_queues() -> list[StaffQueue] | None:
    """Declare staff queues (for example "Low ratings" for curators).

    Called once at start-up on every registered plugin; each queue becomes a list in the
    admin under `/admin/queues/<key>/`, in its `menu_group`. Keys are unique across
    plugins: a duplicate stops the process at start-up. The core declares its own queues
    (on moderation, the organisation's inbox, ...) through this hook too.
    """


@hookspec
def appeal_export_columns() -> list[QueueColumn] | None:
    """Extra columns for every export of messages (the queues' CSV and XLSX).

    Called on every registered plugin; a column's value is empty for messages of a region
    where the plugin is off.
    """


# --- public pages --------------------------------------------------------------------------


@hookspec
def public_urls() -> list[URLPattern | URLResolver] | None:
    """URL patterns to serve on the public site, before the portal's pages.

    Return Django `path()` / `include()` entries. They are mounted once, at start-up,
    inside the language prefix (`/en/...` too). A view serving region-specific content
    checks that the plugin is on for that region (`cms.kernel.plugins.is_enabled`).
    """


@hookspec
def portal_page_types() -> list[str] | None:
    """Wagtail page types (`"app_label.ModelName"`) an editor may add under a region's
    portal home, besides the core's submission page. The page model itself declares
    `parent_page_types = ["portal.PortalHomePage"]`.
    """


@dataclass(frozen=True)
class PortalLink:
    """A link on a region's portal home: `url` is a path or a full URL, `description` a
    line under it."""

    label: Any
    url: str
    description: Any = ""
    order: int = 100


@hookspec
def portal_home_links(region: Region, request: Any) -> list[PortalLink] | None:
    """Links a plugin adds to the region's portal home, under the core's (for example
    the region's open-data page). Return a list of `PortalLink`, or None.

    :param region: the region whose portal home is shown.
    :param request: the citizen's (possibly anonymous) request.
    """


@hookspec
def submission_form_notices(region: Region, form: Any, request: Any
                            ) -> list[PagePanel] | None:
    """Notices a plugin adds to the citizen's submission form, just above its send
    button (for example the open messages already reported at the same place). Return
    a list of `PagePanel`, or None.

    :param region: the region of the submission page.
    :param form: the form as it is shown: bound after an error (`form.data`), unbound
        otherwise (`form.initial` holds what a refresh kept). Not validated: check any
        value read from it.
    :param request: the citizen's request.

    The template gets `form`, `region`, `request` and the panel's context. A notice
    that follows what the citizen types does so with its own script and static file,
    calling this site's own URLs (the page's policy allows nothing else, and no inline
    script); the form must work without it. The page is public: never show another
    citizen's data.
    """


# --- scheduled tasks -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledTask:
    """A task django-q2 runs every `minutes`: `func` is the dotted path of a function
    taking no arguments. `name` is unique across plugins; it names the django-q2
    schedule (prefixed with "pos: ")."""

    name: str
    func: str
    minutes: int


@hookspec
def scheduled_tasks() -> list[ScheduledTask] | None:
    """Declare periodic tasks (sweeps, retries, digests).

    Called on every registered plugin. `migrate` (every deploy) and
    `manage.py sync_schedules` make django-q2's schedules match the declarations: new
    ones are created, changed ones updated, ones no plugin declares any more removed.
    A task runs for the whole installation: it limits its work to the regions where its
    plugin is on with `cms.kernel.plugins.enabled_region_ids`.
    """


# --- history: event kinds ------------------------------------------------------------------


@dataclass(frozen=True)
class EventKindSpec:
    """An event kind of a message's history and how it reads.

    - `describe_staff(event, tz)`: the "what" and "change" of the staff timeline, as a
      pair of strings; None shows the label and the from → to values;
    - `describe_public(event, region)`: the line the citizen reads for a public event;
      None shows the label.
    """

    key: str
    label: Any
    describe_staff: Callable[[AppealEvent, Any], tuple[str, str]] | None = None
    describe_public: Callable[[AppealEvent, Region], str] | None = None


@hookspec
def event_kinds() -> list[EventKindSpec] | None:
    """Declare the event kinds a plugin writes into a message's history (for example a
    rating given or changed), with their wording. Called on every registered plugin;
    keys are unique (the core's kinds are declared the same way), at most 32 characters.
    `cms.kernel.events` collects them once; a duplicate or a longer key stops the start
    (system check pos.E002). An event whose kind nobody declares any more (its plugin
    was uninstalled) still shows, with its raw key as label.
    """


# --- e-mail --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailSection:
    """A part a plugin adds to an e-mail of the core: a template of the plugin's own
    (`"<plugin>/email/<name>.txt"`) and the context it gets. Sections follow the core's
    text, in `order`. The context is stored with the notification, so it must be JSON;
    the template gets the e-mail's context (`appeal`, `number`, `link`, ...) with it on
    top, in the e-mail's language."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@hookspec
def email_sections(template: str, appeal: Appeal | None, event: AppealEvent | None,
                   context: dict[str, Any]) -> list[EmailSection] | None:
    """Sections to add to an e-mail the core sends (for example the rating links under
    the "answered" e-mail).

    :param template: the core's template name (`"appeal_answered"`, ...).
    :param appeal: the message it is about, or None.
    :param event: the history event that caused it, or None.
    :param context: the e-mail's context (read only).

    Called when the notification is recorded, on the plugins enabled for the message's
    region.
    """


# --- admin menu ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminMenuItem:
    """A link in one of the core's admin menu groups: `"messages"`, `"oversight"`,
    `"reference"` or `"settings"`. `url` is a URL name (reversed) or a path;
    `is_shown(request)` decides who sees it (None: everyone who reaches the group)."""

    group: str
    label: Any
    url: str
    icon: str = "list-ul"
    order: int = 100
    is_shown: Callable[[Any], bool] | None = None


@hookspec
def admin_menu_items() -> list[AdminMenuItem] | None:
    """Links a plugin adds inside the core's admin menu groups (its own admin views are
    registered with Wagtail's `register_admin_urls` in its `wagtail_hooks.py`)."""


# --- reports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDataset:
    """Aggregated data a plugin offers to reports, without reports importing it.

    `columns`: (key, label) pairs. `rows(region_ids, since, until)` returns a list of
    dicts keyed by those columns, over the messages of `region_ids` registered in
    [since, until). The kernel passes only regions where the plugin is on.
    """

    key: str
    label: Any
    columns: tuple[tuple[str, Any], ...]
    rows: Callable[[list[int], datetime, datetime], list[dict[str, Any]]]


@hookspec
def report_datasets() -> list[ReportDataset] | None:
    """Declare datasets the reports read (for example the rating plugin's scores by
    organisation). Called on every registered plugin; keys are unique."""


@hookspec(firstresult=True)
def region_working_days(region: Region, since: date, until: date) -> list[date] | None:
    """The working days of `region`'s calendar from `since` to `until`, both included, in
    order: for counting time in working days over many messages at once (the reports'
    time to answer, computed in SQL from this list).

    The first non-None answer wins; the core answers last with Monday to Friday.
    """


# --- generated data ------------------------------------------------------------------------


@hookspec
def messages_generated(region: Region, batch: GeneratedBatch) -> None:
    """Add this plugin's rows for messages the generator just wrote (`manage.py
    generate_messages`, the benchmarks): for example ratings of the published answers.

    :param region: the region generated into.
    :param batch: a `cms.generator.GeneratedBatch`: `messages` (id, number, status,
        created_at, organisation_id, executor_id, deadline, answer_id and answered_at of
        each), `rng` (draw only from it: the same seed must give the same rows), `writer`
        (`writer.reserve(Model, n)` gives the first of n new ids, `writer.write(Model,
        fields, rows)` inserts rows, with COPY on PostgreSQL), `end` (nothing may
        happen after it) and `staff` (the region's active users by role).

    Called once per batch, inside the batch's transaction, on the plugins enabled for
    the region. Write set-wise through `writer`, never row by row: a million messages
    come in batches of ten thousand. The return value is ignored.
    """


# --- region settings -----------------------------------------------------------------------


@hookspec
def region_settings_models() -> list[type] | None:
    """Per-region settings models, each a subclass of `cms.models.RegionSettings`.

    Each enabled plugin's settings appear as their own section of the one
    "Region settings" page of the admin, editable by the region's editors; a region
    without a row gets the model's defaults (`Model.for_region(region)`).
    """


# --- region go-live readiness --------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessItem:
    """One thing a region lacks before (or while) it goes live, as `region_readiness_checks`
    answers it.

    :param check: a stable key of the check ("organisation-roles", "routing-gap"...), for
        grouping and for tests.
    :param message: what is missing, one translated sentence naming the row.
    :param fix_url: the admin page where it is fixed (an edit or add page).
    :param blocking: True when the region must not go live with it (a message would find
        nobody); False for a warning.
    """

    check: str
    message: str
    fix_url: str
    blocking: bool = False


@hookspec
def region_readiness_checks(region: Region) -> list[ReadinessItem] | None:
    """What this plugin's configuration of `region` still lacks, for the region's readiness
    page and `manage.py region_readiness` (`cms.regionconfig.readiness`).

    Return a list of `ReadinessItem`s (empty when all is well). Called on the plugins
    enabled for the region. Read with a fixed number of queries, whatever the number of
    the region's organisations or categories: the page is opened on large regions.
    """
