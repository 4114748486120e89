"""The event kinds of a message's history, collected once from every plugin.

Each plugin (the core too) declares the kinds it writes through the `event_kinds` hook,
with their wording. The history's two readers, the citizen's page and the staff timeline,
ask `staff_wording(event, tz)` and `public_wording(event, region)` how an event reads
instead of knowing the kinds themselves.

The kinds are collected on first use, from every registered plugin whatever a region's
switches say: a message keeps the events a plugin wrote while it was on. A kind nobody
declares any more (its plugin was uninstalled) still reads, with its raw key as label.
Two plugins declaring one key, or a key longer than the column, stop the process: the
system check `pos.E002` reports it at start-up.
"""

from __future__ import annotations

from functools import lru_cache

import pluggy
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from cms.kernel.hookspecs import EventKindSpec
from cms.kernel.plugins import declarations, get_plugin_manager

# The length of `AppealEvent.kind`.
MAX_KEY_LENGTH = 32


def collect_event_kinds(pm) -> dict[str, EventKindSpec]:
    """Every declared kind by key; raises ImproperlyConfigured on a duplicate or a key
    too long to store."""
    kinds: dict[str, EventKindSpec] = {}
    for plugin_name, spec in declarations(pm.hook.event_kinds, "event kind"):
        if len(spec.key) > MAX_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"Plugin {plugin_name!r} declares the event kind {spec.key!r}, "
                f"longer than {MAX_KEY_LENGTH} characters.")
        kinds[spec.key] = spec
    return kinds


@lru_cache(maxsize=4)
def _kinds_of(pm) -> dict[str, EventKindSpec]:
    return collect_event_kinds(pm)


def event_kinds(pm=None) -> dict[str, EventKindSpec]:
    """The declared kinds of the process's plugin manager (or of `pm`), by key."""
    return _kinds_of(pm or get_plugin_manager())


def event_kind(key: str, pm=None) -> EventKindSpec:
    """How an event of kind `key` reads; an undeclared kind reads as its key."""
    return event_kinds(pm).get(key) or EventKindSpec(key=key, label=key)


def value_change(event) -> str:
    """The event's "from → to", or "" when it has neither (a describer may reuse it)."""
    if not (event.from_value or event.to_value):
        return ""
    return f"{event.from_value or '—'} → {event.to_value or '—'}"


def staff_wording(event, tz) -> tuple[str, str]:
    """The "what" and "change" of the staff timeline (`tz`: the region's time zone)."""
    spec = event_kind(event.kind)
    if spec.describe_staff is not None:
        return spec.describe_staff(event, tz)
    return str(spec.label), value_change(event)


def public_wording(event, region) -> str:
    """The line the citizen reads for a public event."""
    spec = event_kind(event.kind)
    if spec.describe_public is not None:
        return spec.describe_public(event, region)
    return str(spec.label)


@checks.register()
def check_event_kinds(app_configs, **kwargs):
    try:
        event_kinds()
    except (pluggy.PluginValidationError, ImportError):
        return []  # the kernel did not start: pos.E001 says why
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="Rename one of the event kinds.",
                             id="pos.E002")]
    return []
