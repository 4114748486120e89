"""The side-by-side bench harness's stable import path (`../shared/bench`, posseed).

The harness's seed, session and URL commands import `cms.benchmark.data` and
`cms.benchmark.paths`, which is where the benchmark code lived before it became its own
app (`benchmark/`, issue 10). These modules only re-export the app's names, so the
harness runs unchanged against either layout; new code imports `benchmark.*`.
"""
