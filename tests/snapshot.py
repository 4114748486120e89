"""The test database's rows as the session's setup left them (the classifier and the
demo region), copied once on PostgreSQL and put back by SQL when a transactional test
ends, in place of Django's flush.

A transactional test (transactional_db, live_server, django_db(transaction=True)) ended
with Django's flush: TRUNCATE of every table, then post_migrate makes the content types
and permissions again (1-2 s a time on an idle 2-core machine, 5-20 s loaded), and the
next test needing the demo loaded the region from its files again (3 s idle, 7 s
loaded). Putting the copied rows back takes about 0.1 s (0.5 s loaded) and gives the
same rows under the same primary keys. Sequences only move forward: no key a test has
seen is handed out again.

On another database (SQLite without DATABASE_URL) there is no copy, and the demo fixture
loads the region from its files as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, transaction

SCHEMA = "pos_test_snapshot"


@dataclass(frozen=True)
class Snapshot:
    empty_sql: str  # every table a flush empties, emptied row by row (cheap when small)
    truncate_sql: str  # the same by TRUNCATE: if the first way is refused
    insert_sql: str  # the copied rows back into the tables that had any
    sequences_sql: str  # each sequence at least where it stood


_snapshot: Snapshot | None = None


def _columns(cursor) -> dict[str, str]:
    """Each table's stored columns (generated columns are computed, never inserted)."""
    cursor.execute("""
        SELECT c.relname,
               string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
          AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        GROUP BY c.relname
    """)
    return dict(cursor.fetchall())


def _refusing_delete(cursor) -> set[str]:
    """Tables with a trigger on DELETE (the audit records refuse one): TRUNCATE fires no
    row trigger."""
    cursor.execute("""
        SELECT DISTINCT c.relname
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND NOT t.tgisinternal
          AND (t.tgtype & 8) <> 0
    """)
    return {name for (name,) in cursor.fetchall()}


def take() -> Snapshot | None:
    """Copy the rows of every table a flush empties into a schema of their own."""
    global _snapshot
    _snapshot = None
    if connection.vendor != "postgresql":
        return None
    qn = connection.ops.quote_name
    tables = sorted(connection.introspection.django_table_names(
        only_existing=True, include_views=False))
    with transaction.atomic(), connection.cursor() as cursor:
        columns = _columns(cursor)
        truncated = _refusing_delete(cursor) & set(tables)
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        inserts = []
        for number, table in enumerate(tables):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {qn(table)})")
            if not cursor.fetchone()[0]:
                continue
            # Named by number: a query looking a table up by its name in pg_class alone
            # (cms/generator/indexes.py) must not find the copy.
            copy = f"{SCHEMA}.copy_{number}"
            cols = columns[table]
            cursor.execute(f"CREATE TABLE {copy} AS SELECT {cols} FROM {qn(table)}")
            inserts.append(f"INSERT INTO {qn(table)} ({cols}) OVERRIDING SYSTEM VALUE "
                           f"SELECT {cols} FROM {copy}")
        cursor.execute("""
            SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename),
                   last_value
            FROM pg_sequences
            WHERE schemaname = current_schema() AND last_value IS NOT NULL
        """)
        sequences = [
            f"SELECT setval('{name}', "
            f"GREATEST({value}, (SELECT last_value FROM {name})))"
            for name, value in cursor.fetchall()
        ]
    # Django makes its foreign keys DEFERRABLE: checked at the commit, once every table
    # holds its rows again.
    empty = ["SET CONSTRAINTS ALL DEFERRED"]
    if truncated:
        empty.append("TRUNCATE " + ", ".join(qn(table) for table in sorted(truncated)))
    empty += [f"DELETE FROM {qn(table)}" for table in tables if table not in truncated]
    _snapshot = Snapshot(
        empty_sql=";\n".join(empty),
        truncate_sql="TRUNCATE " + ", ".join(qn(table) for table in tables),
        insert_sql=";\n".join(inserts),
        sequences_sql=";\n".join(sequences),
    )
    return _snapshot


def restore() -> bool:
    """Put the copied rows back in place of whatever the tables hold (a transactional
    test's rows, committed). False when there is no copy (not PostgreSQL)."""
    if _snapshot is None:
        return False
    from django.contrib.contenttypes.models import ContentType
    from django.db import DatabaseError

    # A test may leave a connection the server ended (as flush's first query would, a
    # new one replaces it).
    if connection.connection is not None and not connection.is_usable():
        connection.close()
    try:
        _put_back(_snapshot.empty_sql)
    except DatabaseError:
        # A constraint that cannot wait for the commit, or a table a TRUNCATE must
        # take with another: every table by TRUNCATE, as a flush does.
        _put_back(_snapshot.truncate_sql)
    # A content type the test made is gone again.
    ContentType.objects.clear_cache()
    return True


def _put_back(empty_sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(empty_sql)
        if _snapshot.insert_sql:
            cursor.execute(_snapshot.insert_sql)
        if _snapshot.sequences_sql:
            cursor.execute(_snapshot.sequences_sql)


@contextmanager
def restored_after_transactional_tests() -> Iterator[None]:
    """While open, a transactional test's teardown puts the copied rows back instead of
    flushing the database. A test with available_apps or serialized_rollback, or using
    another database, is flushed as Django does."""
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if (_snapshot is None or self.available_apps is not None
                or self.serialized_rollback
                or list(self._databases_names(include_mirrors=False))
                != [DEFAULT_DB_ALIAS]):
            return flush(self)
        restore()

    TransactionTestCase._fixture_teardown = _fixture_teardown
    try:
        yield
    finally:
        TransactionTestCase._fixture_teardown = flush
