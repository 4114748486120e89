"""Rows into tables as fast as the database takes them, ids known beforehand.

The generator needs each row's id before it writes the rows pointing at it (an answer's
message, a rating's answer), so `reserve` hands out a block of ids and `write` inserts
rows that carry them: PostgreSQL gets one COPY per table and batch, other databases one
executemany. Indexes and constraints stay as they are: the load pays for them, as a
real region's traffic would.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection, models

# COPY's text format: these would end a value or a row.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


_JSON_CACHE: dict[tuple, str] = {}
_JSON_CACHE_SIZE = 10_000


def _json(value) -> str:
    # Most generated details repeat ({"action": "pass_on"}, ...): encode each once.
    try:
        key = tuple(value.items()) if type(value) is dict else None
        cached = _JSON_CACHE.get(key) if key is not None else None
    except TypeError:  # an unhashable value inside
        key = cached = None
    if cached is None:
        cached = _text(json.dumps(value, ensure_ascii=False))
        if key is not None and len(_JSON_CACHE) < _JSON_CACHE_SIZE:
            _JSON_CACHE[key] = cached
    return cached


# How each Python type reads in COPY's text format (a dict lookup per value: a million
# messages are some ten million rows).
_COPY_TEXT = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    str: _text,
    datetime: datetime.isoformat,
    dict: _json,
    list: _json,
}


def _other(value) -> str:
    """Subclasses (a status is a `TextChoices` member, a str) and anything else; a
    subclass met once is looked up directly from then on."""
    for kind, text in list(_COPY_TEXT.items()):
        if isinstance(value, kind):
            _COPY_TEXT[type(value)] = text
            return text(value)
    return _text(str(value))


def _copy_line(row) -> str:
    return "\t".join([_COPY_TEXT.get(type(value), _other)(value) for value in row]) + "\n"


def copy_in(cursor, statement: str, buffer: io.StringIO) -> None:
    """COPY … FROM STDIN with either driver Django may run on: psycopg2 (the project's
    pin) or psycopg 3 (which Django prefers where both are installed, as in the bench
    harness's environment)."""
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):
        raw.copy_expert(statement, buffer)
    else:
        with raw.copy(statement) as copy:
            copy.write(buffer.getvalue())


class TableWriter:
    """Writes generated rows; counts them per model (`counts`, by model label).

    Use inside a transaction (a batch is written whole or not at all)."""

    def __init__(self):
        self.vendor = connection.vendor
        self.counts: Counter[str] = Counter()
        self._next: dict[type[models.Model], int] = {}

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive new ids of `model`'s table."""
        if count <= 0:
            return 0
        table = model._meta.db_table
        column = model._meta.pk.column
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # Generator processes take their blocks one at a time (a session lock,
                # released at once, so their transactions still overlap); the block is
                # one statement, between which only a row inserted by the site itself
                # could slip: run the generator while nothing else writes messages.
                cursor.execute("SELECT pg_advisory_lock(%s::regclass::oid::bigint)",
                               [table])
                try:
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, %s), "
                        "nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                        [table, column, table, column, count])
                    last = cursor.fetchone()[0]
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(%s::regclass::oid::bigint)",
                                   [table])
                return last - count + 1
            # Elsewhere the ids follow the greatest one (this process is the only writer).
            if model not in self._next:
                cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) "  # noqa: S608
                               f"FROM {connection.ops.quote_name(table)}")
                self._next[model] = (cursor.fetchone()[0] or 0) + 1
            first = self._next[model]
            self._next[model] = first + count
            return first

    def write(self, model: type[models.Model], fields: Sequence[str],
              rows: Iterable[Sequence]) -> int:
        """Insert `rows`, each a tuple of values in the order of `fields` (model field
        names, the primary key among them where reserved). Returns the number of rows."""
        rows = list(rows)
        if not rows:
            return 0
        meta = model._meta
        concrete = [meta.get_field(name) for name in fields]
        # A field the caller does not know (one added since) gets its model default.
        missing = [field for field in meta.concrete_fields
                   if field not in concrete and not field.primary_key]
        if missing:
            concrete += missing
            rows = [(*row, *(field.get_default() for field in missing)) for row in rows]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in concrete)
        table = quote(meta.db_table)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                buffer = io.StringIO()
                buffer.writelines(map(_copy_line, rows))
                buffer.seek(0)
                copy_in(cursor, f"COPY {table} ({columns}) FROM STDIN", buffer)
            else:
                marks = ", ".join(["%s"] * len(concrete))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    [[field.get_db_prep_save(value, connection)
                      for field, value in zip(concrete, row, strict=True)]
                     for row in rows])
        self.counts[meta.label] += len(rows)
        return len(rows)
