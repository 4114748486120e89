"""Re-exports `benchmark.data` for the bench harness (and the generator's
`refresh_statistics`, which its `seed_pos` calls as `data.refresh_statistics`);
see the package docstring."""

from benchmark.data import *
from benchmark.data import (  # noqa: F401 (what the harness uses, named)
    BENCH_PREFIX,
    GENERATED_PREFIX,
    generate,
    generated,
)
from cms.generator import refresh_statistics  # noqa: F401
