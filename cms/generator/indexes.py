"""Secondary indexes set aside during a large load and built again at its end, as
`pg_restore` does: building an index once over sorted rows is far cheaper than
maintaining it row by row (the two trigram GIN indexes of `cms_appeal` above all, and
two dozen B-trees whose pages no longer fit in the shared buffers).

Only what the load does not need goes: plain indexes, and unique or exclusion
constraints that no foreign key leans on. Primary keys and the unique keys a foreign key
references stay. Each index or constraint comes back under its name, from the
definition PostgreSQL gives for it (`pg_get_indexdef`, `pg_get_constraintdef`), so the
schema is the one migrations made. Rows loaded meanwhile are checked when a unique
index is built again: a duplicate would fail the build (and the load) loudly.
"""

from __future__ import annotations

import queue
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection, transaction

# Memory for each build: GIN and B-tree builds sort in it, and spill to disk past it.
BUILD_MEMORY = "512MB"

# Every index of the tables, with what backs it: the constraint (if any) and whether a
# foreign key references it (then it stays).
_INDEXES_SQL = """
SELECT table_class.relname,
       index_class.relname,
       pg_get_indexdef(index.indexrelid),
       con.conname,
       con.contype,
       pg_get_constraintdef(con.oid),
       pg_relation_size(index.indexrelid),
       EXISTS (SELECT 1 FROM pg_constraint fk
               WHERE fk.contype = 'f' AND fk.conindid = index.indexrelid)
  FROM pg_index index
  JOIN pg_class index_class ON index_class.oid = index.indexrelid
  JOIN pg_class table_class ON table_class.oid = index.indrelid
  JOIN pg_namespace ns ON ns.oid = table_class.relnamespace
  LEFT JOIN pg_constraint con ON con.conindid = index.indexrelid
                              AND con.conrelid = index.indrelid
                              AND con.contype IN ('p', 'u', 'x')
 WHERE ns.nspname = current_schema() AND table_class.relname = ANY(%s)
 ORDER BY table_class.relname, index_class.relname
"""


@dataclass(frozen=True)
class SecondaryIndex:
    table: str
    name: str
    definition: str  # CREATE INDEX ... as PostgreSQL gives it back
    constraint: str | None  # ... or the constraint's definition (UNIQUE (...))
    gin: bool

    def drop_sql(self) -> str:
        quote = connection.ops.quote_name
        if self.constraint is not None:
            return f"ALTER TABLE {quote(self.table)} DROP CONSTRAINT {quote(self.name)}"
        return f"DROP INDEX {quote(self.name)}"

    def create_sql(self) -> str:
        if self.constraint is not None:
            quote = connection.ops.quote_name
            return (f"ALTER TABLE {quote(self.table)} ADD CONSTRAINT {quote(self.name)} "
                    f"{self.constraint}")
        return self.definition


def secondary_indexes(tables: list[str]) -> list[SecondaryIndex]:
    """The indexes of `tables` a load can do without (see the module) and that
    PostgreSQL builds back exactly as it found them."""
    with connection.cursor() as cursor:
        cursor.execute(_INDEXES_SQL, [sorted(tables)])
        rows = cursor.fetchall()
    found = []
    for table, name, definition, constraint, kind, constraint_sql, _size, referenced in rows:
        if kind == "p" or referenced:
            continue
        found.append(SecondaryIndex(
            table=table, name=constraint or name, definition=definition,
            constraint=constraint_sql if constraint else None,
            gin=" USING gin " in definition))
    return [index for index in found if _rebuilds_exactly(index)]


class _Probe(Exception):
    """Undoes a probe's index."""


_PROBE_NAME = "pos_generator_probe"
_INDEX_NAME = re.compile(r'^(CREATE (?:UNIQUE )?INDEX )(?:"(?:[^"]|"")*"|\S+)( ON .*)$',
                         re.DOTALL)


def _rebuilds_exactly(index: SecondaryIndex) -> bool:
    """Whether the index PostgreSQL builds from the definition it gave is the same
    one. Not always: a condition such as `status IN (...)` (what Django writes) comes
    back as `status = ANY (ARRAY[...]::text[])` and is built from that as
    `status = ANY (ARRAY[...::text, ...])`, equivalent but not the schema migrations
    made. Such an index stays (those are partial ones, cheap to maintain).
    The probe is built under another name and rolled back: on the few rows the
    tables hold before a load it costs milliseconds."""
    quote = connection.ops.quote_name
    if index.constraint is not None:
        create = (f"ALTER TABLE {quote(index.table)} ADD CONSTRAINT "
                  f"{quote(_PROBE_NAME)} {index.constraint}")
        read = ("SELECT pg_get_constraintdef(oid), pg_get_indexdef(conindid) "
                "FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass")
        arguments = [_PROBE_NAME, index.table]
        expected = (index.constraint, _INDEX_NAME.sub(
            rf"\g<1>{_PROBE_NAME}\g<2>", index.definition))
    else:
        create = _INDEX_NAME.sub(rf"\g<1>{_PROBE_NAME}\g<2>", index.definition)
        read = "SELECT pg_get_indexdef(%s::regclass)"
        arguments = [_PROBE_NAME]
        expected = (create,)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(create)
            cursor.execute(read, arguments)
            rebuilt = cursor.fetchone()
            raise _Probe
    except _Probe:
        pass
    return tuple(rebuilt) == expected


def drop(indexes: list[SecondaryIndex]) -> None:
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(index.drop_sql())


def _build(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("RESET maintenance_work_mem")


def restore(indexes: list[SecondaryIndex], workers: int = 1) -> None:
    """Build `indexes` again. Outside a transaction, `workers` connections share the
    builds (several indexes of one table may be built at once: each build only shares
    the table's lock); the slow ones go first (GIN, then the largest tables), so that
    no connection is left with a long build at the end."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, pg_relation_size(oid) FROM pg_class "
                       "WHERE relname = ANY(%s) AND relkind = 'r'",
                       [sorted({index.table for index in indexes})])
        sizes = dict(cursor.fetchall())
    ordered = sorted(indexes, key=lambda index: (not index.gin, -sizes.get(index.table, 0),
                                                 index.table, index.name))
    statements = [index.create_sql() for index in ordered]
    if workers <= 1 or connection.in_atomic_block or len(statements) < 2:
        # Inside a transaction the dropped indexes are only gone for this connection.
        _build(statements)
        return
    pending: queue.SimpleQueue[str] = queue.SimpleQueue()
    for statement in statements:
        pending.put(statement)

    def lane() -> None:
        # A thread has its own connection (Django keeps them per thread).
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
                while True:
                    try:
                        statement = pending.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(statement)
        finally:
            connection.close()

    # A failed build stops its lane only: the others build what remains, then the
    # failure is raised here.
    with ThreadPoolExecutor(min(workers, len(statements))) as pool:
        lanes = [pool.submit(lane) for _ in range(min(workers, len(statements)))]
    for finished in lanes:
        finished.result()
