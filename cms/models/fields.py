"""Model fields of the core's own."""

from django.db import models


class RowsJSONField(models.JSONField):
    """A JSONField whose model is bulk-inserted as plain VALUES rows on PostgreSQL.

    Django 5.2 bulk-inserts through UNNEST of one array per column, to plan a large batch
    faster, unless a field names its own placeholder (`get_placeholder`). The write paths
    insert a handful of rows at once (a registration's four events and three letters),
    where UNNEST saves no planning; with psycopg 3's client-side binding, Django's
    default, each column's array is then built in Python: 0.3 ms more per statement on
    the submit path (docs/performance.md).
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"

    def deconstruct(self):
        # The column is a JSONField's: migrations need not know this class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs
