"""Query-plan tests' helpers (PostgreSQL)."""


def drop_appeal_indexes_except(cursor, keep, table="cms_appeal") -> None:
    """Drop every index of `table` but its primary key and those `keep(name,
    definition)` keeps (constraint-backed ones by their constraint), for a plan-shape
    test: on a test-sized table many indexes tie on cost and the planner's pick among
    equals is not stable. Rolled back with the test."""
    cursor.execute(
        """SELECT index_class.relname, pg_get_indexdef(pg_index.indexrelid),
                  constraint_row.conname
             FROM pg_index
             JOIN pg_class index_class ON index_class.oid = pg_index.indexrelid
             LEFT JOIN pg_constraint constraint_row
                    ON constraint_row.conindid = pg_index.indexrelid
            WHERE pg_index.indrelid = %s::regclass AND NOT pg_index.indisprimary""", [table])
    for index_name, definition, constraint_name in cursor.fetchall():
        if keep(index_name, definition):
            continue
        if constraint_name:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint_name}"')
        else:
            cursor.execute(f'DROP INDEX "{index_name}"')
