"""The benchmark's data: generated messages of one region, and their removal.

Generated messages (by `cms.generator`, the project's one generator) are numbered
`BENCH-G-0000001`, … and the bare submit view numbers
its own `BENCH-S-…` from a counter row of its own, so neither ever takes a real
registration number. Messages a run sends through the real submission page get real
numbers (that is the path under test); their text starts with `SUBMIT_MARKER`, which is
how `remove` finds them again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from graphlib import TopologicalSorter

from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cms import generator
from cms.models import Appeal, Attachment, AuditRecord, RegistrationCounter

BENCH_PREFIX = "BENCH-"
GENERATED_PREFIX = "BENCH-G-"
BARE_PREFIX = "BENCH-S-"
SUBMIT_MARKER = "[pos_benchmark]"
# The bare submit view's counter: a (region, year) row no real year uses.
BARE_COUNTER_YEAR = 0
# Generated messages are registered over the year up to now: inside the rating dataset's
# 12 months, which a run times.
SPAN_DAYS = 360


def generated(region) -> QuerySet[Appeal]:
    return generator.generated(region, GENERATED_PREFIX)


def generate(region, count: int, *, batch: int = 10_000, seed: int = 7, workers: int = 1,
             progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Add `count` messages to `region` with the project's one generator
    (`cms.generator`: histories, answers, grants, and the plugins' rows such as
    ratings), numbered after the generated ones already there. Returns the rows added
    per model label."""
    return generator.generate(region, count, seed=seed, prefix=GENERATED_PREFIX,
                              batch=batch, workers=workers, progress=progress,
                              end=timezone.now(), days=SPAN_DAYS)


# --- removal -------------------------------------------------------------------------


def made_by_benchmark(region) -> QuerySet[Appeal]:
    """Generated messages, the bare view's, and those a run posted to the real page."""
    return Appeal.objects.filter(region=region).filter(
        Q(number__startswith=BENCH_PREFIX) | Q(text__startswith=SUBMIT_MARKER))


def removable(region) -> QuerySet[Appeal]:
    """The benchmark's messages except any the audit trail refers to (it is
    append-only: they stay)."""
    return made_by_benchmark(region).exclude(
        pk__in=AuditRecord.objects.filter(appeal__isnull=False).values("appeal_id"))


def _dependants() -> list[models.ForeignObjectRel]:
    """Every relation pointing at Appeal (plugins' tables too), a table that another of
    them points at coming after the one pointing at it."""
    relations = [field for field in Appeal._meta.get_fields(include_hidden=True)
                 if field.auto_created and not field.concrete
                 and (field.one_to_many or field.one_to_one)
                 and field.related_model is not AuditRecord]
    by_model = {relation.related_model: relation for relation in relations}
    graph = {
        model: {other for other in by_model if other is not model and any(
            getattr(field, "related_model", None) is model
            for field in other._meta.concrete_fields if field.is_relation)}
        for model in by_model
    }
    return [by_model[model] for model in TopologicalSorter(graph).static_order()]


@dataclass
class Removed:
    messages: int
    rows: dict[str, int]
    kept: int


def remove(region) -> Removed:
    """Delete the benchmark's messages with everything that points at them, in one
    transaction, set-based (a million rows never pass through Python), and the bare
    view's counter."""
    doomed = removable(region)
    kept = made_by_benchmark(region).count() - doomed.count()
    files = list(Attachment.objects.filter(appeal__in=doomed).values_list("file",
                                                                          flat=True))
    ids_sql, params = doomed.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    pk_column = quote(Appeal._meta.pk.column)
    rows: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for relation in _dependants():
            model, column = relation.related_model, relation.field.column
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                           f"WHERE {quote(column)} IN ({ids_sql})", params)
            if cursor.rowcount:
                rows[model._meta.label] = cursor.rowcount
        cursor.execute(f"DELETE FROM {quote(Appeal._meta.db_table)} "  # noqa: S608
                       f"WHERE {pk_column} IN ({ids_sql})", params)
        messages = cursor.rowcount
        RegistrationCounter.objects.filter(region=region,
                                           year=BARE_COUNTER_YEAR).delete()
    storage = Attachment._meta.get_field("file").storage
    for name in files:
        storage.delete(name)
    return Removed(messages=messages, rows=rows, kept=kept)
