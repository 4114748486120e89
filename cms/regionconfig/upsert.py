"""Create-or-update by natural key, reporting exactly what changed."""

from __future__ import annotations

from typing import Any

from django.db import models

from .files import ChangeReport


def upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    report: ChangeReport,
    kind: str,
    key: str,
) -> models.Model:
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        report.record(kind, key, "created")
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        report.record(kind, key, "updated", ", ".join(changed))
    else:
        report.record(kind, key, "unchanged")
    return instance


def sync_many(instance, attribute: str, targets: list, report: ChangeReport, kind: str,
              key: str) -> None:
    """Make a many-to-many relation exactly `targets`, reporting a change if it differs."""
    manager = getattr(instance, attribute)
    current = set(manager.values_list("pk", flat=True))
    wanted = {target.pk for target in targets}
    if current != wanted:
        manager.set(targets)
        report.record(kind, key, "updated", attribute)
