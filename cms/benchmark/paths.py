"""Re-exports `benchmark.paths` for the bench harness; see the package docstring."""

from benchmark.paths import *
from benchmark.paths import missing_users, submission_url  # noqa: F401 (what the harness uses)
