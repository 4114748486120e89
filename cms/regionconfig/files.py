"""The protocol of a region configuration file, and what validation and loading report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cms.models import Region


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the files: where (file and key) and why."""

    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}"


class RegionConfigError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class ValidationContext:
    """The parsed documents of one load, and the problems found so far.

    Files look up each other's codes through it (an organisation names territories, a
    routing rule names organisations), so cross-file references are checked before anything
    is written.
    """

    documents: dict[str, Any]
    known: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, file: str, key: str, reason: str) -> None:
        self.problems.append(Problem(file, key, reason))

    def codes(self, kind: str) -> set[str]:
        """Codes declared so far for `kind` ("territory", "organisation", "category", ...)."""
        return self.known.setdefault(kind, set())


ACTION_RANK = {"unchanged": 0, "updated": 1, "created": 2, "removed": 3}


@dataclass(frozen=True)
class Stray:
    """A row of the region's that its file no longer names ("exists only in the database").

    `remove` deletes it, or is None when removing it is not safe; `kept_because` then says
    why (`--prune` prints it).
    """

    kind: str
    key: str
    remove: Callable[[], None] | None = None
    kept_because: str = ""


@dataclass
class ChangeReport:
    """What a load created, updated or left alone, per object; printed by `load_region`.

    An object touched several times keeps its strongest action (created > updated >
    unchanged), so a new organisation whose territories are then set counts as created once.
    Each entry remembers the file being loaded when it was first recorded (`current_file`,
    set by the loader), so a dry run can list the changes per file. `strays` are the rows
    only the database has, and what `--prune` did with them.
    """

    entries: dict[tuple[str, str], tuple[str, list[str]]] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)
    current_file: str = ""
    strays: list[tuple[str, Stray, str]] = field(default_factory=list)

    def record(self, kind: str, key: str, action: str, detail: str = "") -> None:
        previous, details = self.entries.get((kind, key), ("unchanged", []))
        if detail and action == "updated":
            details = [*details, detail]
        if ACTION_RANK[action] < ACTION_RANK[previous]:
            action = previous
        self.entries[(kind, key)] = (action, details)
        self.files.setdefault((kind, key), self.current_file)

    def record_stray(self, stray: Stray, outcome: str) -> None:
        """`outcome`: "only in the database", "removed" or "kept: <why>"."""
        self.strays.append((self.current_file, stray, outcome))

    def by_file(self) -> dict[str, dict[str, list[str]]]:
        """Per file: the lines of what was created, updated, left alone (a count per
        kind) and what only the database has."""
        result: dict[str, dict[str, list[str]]] = {}
        unchanged: Counter = Counter()
        for (kind, key), (action, details) in self.entries.items():
            file = self.files.get((kind, key), "")
            section = result.setdefault(file, {"changed": [], "unchanged": [], "strays": []})
            if action == "unchanged":
                unchanged[(file, kind)] += 1
                continue
            suffix = f" ({', '.join(details)})" if details and action == "updated" else ""
            section["changed"].append(f"{action} {kind} {key}{suffix}")
        for (file, kind), count in unchanged.items():
            result[file]["unchanged"].append(f"left alone: {count} {kind}")
        for file, stray, outcome in self.strays:
            section = result.setdefault(file, {"changed": [], "unchanged": [], "strays": []})
            section["strays"].append(f"{outcome}: {stray.kind} {stray.key}")
        return result

    @property
    def lines(self) -> list[str]:
        lines = []
        for (kind, key), (action, details) in self.entries.items():
            if action == "unchanged":
                continue
            suffix = f" ({', '.join(details)})" if details and action == "updated" else ""
            lines.append(f"{action} {kind} {key}{suffix}")
        return lines

    @property
    def counts(self) -> Counter:
        return Counter((kind, action) for (kind, _key), (action, _d) in self.entries.items())

    @property
    def changed(self) -> bool:
        return (any(action != "unchanged" for action, _details in self.entries.values())
                or any(outcome == "removed" for _f, _s, outcome in self.strays))

    def summary(self) -> str:
        counts = self.counts
        kinds = sorted({kind for kind, _action in counts})
        return "\n".join(
            f"{kind}: {counts[(kind, 'created')]} created, {counts[(kind, 'updated')]} updated, "
            f"{counts[(kind, 'unchanged')]} unchanged"
            for kind in kinds
        )


class RegionConfigFile:
    """A file in a region's folder, declared by the core or by a plugin.

    Subclasses set `filename` and implement the three methods. `validate` only reads and
    reports problems (it may register codes in `ctx.codes(...)` for later files); `load`
    runs only when every file validated, inside one transaction; `export` returns the
    JSON-ready document, or None when the region has nothing for this file.
    Files are validated and loaded in ascending `order`; the core's files use 0–40.
    """

    filename: str = ""
    required: bool = False
    order: int = 100

    def validate(self, data: Any, ctx: ValidationContext) -> None:
        raise NotImplementedError

    def load(self, region: Region, data: Any, report: ChangeReport) -> None:
        raise NotImplementedError

    def export(self, region: Region) -> Any:
        raise NotImplementedError

    def strays(self, region: Region, data: Any) -> list[Stray]:
        """The region's rows of this file that `data` does not name (after `load`).

        The default: none (a file whose rows are all named, or that keeps what it does not
        name by design). `--prune` calls `remove` of each stray that has one.
        """
        return []
