"""Generated messages at scale: `manage.py generate_messages` and the benchmarks.

A region's reference data (classifier, organisations, territories, staff) is drawn from;
each message gets a whole life, as the workflow would have written it, cut at the end
of the span: events, answer, postponement, the executor's grant; plugins add their rows
for each batch through the `messages_generated` hook. One seed gives the same rows.

- `stories`: what happens to one message (the distributions, pure Python);
- `writer`: rows into tables, COPY on PostgreSQL, bulk INSERT elsewhere;
- `run`: the batches, the pools, the hook, the statistics after a load.

It lives in the core, not in a plugin or in the benchmark app, because it writes only
core tables and is needed under normal settings (the reports' benchmark, a demo at
scale) as much as by `pos_benchmark`; plugins reach it only through the hook.
"""

from .rows import GeneratedBatch, GeneratedMessage
from .run import (
    generate,
    generated,
    refresh_statistics,
    written_models,
)
from .writer import TableWriter

__all__ = ["GeneratedBatch", "GeneratedMessage", "TableWriter", "generate", "generated",
           "refresh_statistics", "written_models"]
