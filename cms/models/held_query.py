"""Queries that every request runs, compiled once per database connection.

Building a queryset and compiling it to SQL costs Python several times what running the
statement costs the database, for the few small reads every request makes (its session,
its user, the regions). A `HeldQuery` compiles its queryset the first time a connection
runs it (each thread has its own connection) and from then on only runs the SQL with
the request's values, making the model instances as the ORM's iterator does: the
compiler's converters, `Model.from_db`, and the `select_related` objects.

What a held query may be: a plain `filter`/`order_by`/`select_related` queryset of model
instances (no annotations, `only`, `values` or prefetching), whose variable values are
ints or strings, which databases take as they are. A value that a database adapts (a
datetime is text on SQLite) cannot be filled in: compare it with the rows read instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.utils.functional import cached_property

HELD_ON_CONNECTION = "pos_held_queries"


class HeldQuery:
    """`build(**values)`'s instances, compiled once per connection.

    `samples` gives each argument of `build` a sample value, distinct from every other
    value the query holds: the compiled query's parameters that equal a sample are the
    ones the arguments fill in on each run.
    """

    def __init__(self, build: Callable[..., QuerySet], **samples: int | str):
        self.build = build
        self.samples = samples

    @cached_property
    def model(self) -> type[Model]:
        return self.build(**self.samples).model

    def __call__(self, **values: int | str) -> list[Model]:
        connection = connections[router.db_for_read(self.model)]  # this thread's own
        # Kept on the connection, so that it goes with it (a server's request threads
        # come and go; the compiled query refers to its connection).
        held = connection.__dict__.setdefault(HELD_ON_CONNECTION, {})
        compiled = held.get(self)
        if compiled is None:
            compiled = held[self] = _Compiled(self, connection)
        return compiled.run(values)


class _Compiled:
    """One connection's SQL of a held query, with what turns its rows into instances."""

    def __init__(self, held: HeldQuery, connection):
        queryset = held.build(**held.samples)
        query = queryset.query
        if (query.annotation_select or query.deferred_loading[0]
                or queryset._prefetch_related_lookups):
            raise ImproperlyConfigured(
                f"{held.model.__name__}: a held query reads whole instances, without "
                "annotations, deferred fields or prefetching"
            )
        self.connection = connection
        self.compiler = query.get_compiler(connection=connection)
        self.sql, params = self.compiler.as_sql()
        # Each parameter is either an argument's (by name) or the query's own constant.
        self.slots = [_slot(param, held.samples) for param in params]
        named = [name for name, _constant in self.slots if name is not None]
        if sorted(named) != sorted(held.samples):
            raise ImproperlyConfigured(
                f"{held.model.__name__}: each sample must appear once among the compiled "
                f"query's parameters {params!r}"
            )
        klass_info, select = self.compiler.klass_info, self.compiler.select
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.model_class = klass_info["model"]
        self.init_list = [column[0].target.attname for column in select[self.start:self.end]]
        self.related_populators = get_related_populators(klass_info, select, connection.alias)

    def run(self, values: dict) -> list[Model]:
        params = [values[name] if name is not None else constant
                  for name, constant in self.slots]
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        instances = []
        for row in self.compiler.results_iter(results=[rows]):
            instance = self.model_class.from_db(
                self.connection.alias, self.init_list, row[self.start:self.end]
            )
            for populator in self.related_populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances


def _slot(param, samples: dict) -> tuple[str | None, object]:
    for name, sample in samples.items():
        if type(param) is type(sample) and param == sample:
            return name, None
    return None, param
