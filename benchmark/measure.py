"""Requests through Django's test client, their query counts and timings, and the table.

Each real page is measured side by side with its bare view: one warm-up request each
(per-process caches, the session's first read), then `repeat` rounds that alternate the
two, so a machine that slows down mid-run slows both alike. Every request's queries are
captured; a request that answers with the wrong status stops the run, so the figures
are never those of an error page.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

MESSAGE_LINK = re.compile(r'href="/admin/messages/(\d+)/"')
COLUMNS = ("path", "user", "queries", "rows", "median ms", "p95 ms", "x bare")
NUMERIC = frozenset(COLUMNS[2:])


class BenchmarkError(Exception):
    """A request did not get the answer a working page gives."""


@dataclass(frozen=True)
class Probe:
    """One request to measure: what, as whom, and the status a good answer has."""

    label: str
    username: str
    url: str
    expect: int = 200
    # Fresh form data for each request (a new idempotency key); None for a GET.
    post: Callable[[], dict] | None = None
    # A list page: count the messages it links to, and compare them with the bare one's.
    lists: bool = False
    # Not a request: a callable timed as it is, whose returned rows are counted and
    # compared with the bare one's (in any order).
    call: Callable[[], list] | None = None


@dataclass
class Figures:
    probe: Probe
    queries: list[int] = field(default_factory=list)
    millis: list[float] = field(default_factory=list)
    listed: list[int] = field(default_factory=list)

    def add(self, millis: float, queries: int, content: bytes | list) -> None:
        self.millis.append(millis)
        self.queries.append(queries)
        if self.probe.call is not None:
            self.listed = sorted(content)
        elif self.probe.lists:
            pks = MESSAGE_LINK.findall(content.decode())
            self.listed = [int(pk) for pk in dict.fromkeys(pks)]

    @property
    def median(self) -> float:
        return statistics.median(self.millis)

    @property
    def p95(self) -> float:
        """Nearest rank: with few repeats, the slowest."""
        ordered = sorted(self.millis)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def query_count(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


class Bench:
    """Logged-in clients, one per demo user, and the pairs measured so far."""

    def __init__(self, repeat: int):
        self.repeat = repeat
        self.clients: dict[str, Client] = {}
        self.results: list[tuple[Figures, Figures]] = []

    def client(self, username: str) -> Client:
        if username not in self.clients:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            self.clients[username] = client
        return self.clients[username]

    def request(self, probe: Probe) -> tuple[float, int, bytes | list]:
        if probe.call is not None:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                rows = probe.call()
                millis = (time.perf_counter() - started) * 1000
            return millis, len(captured), rows
        client = self.client(probe.username)
        data = probe.post() if probe.post is not None else None
        # The capture holds off the per-request reset of the query log, which would
        # otherwise fill up (9,000 entries) and count nothing.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if data is None:
                response = client.get(probe.url)
            else:
                response = client.post(probe.url, data)
            millis = (time.perf_counter() - started) * 1000
        if response.status_code != probe.expect:
            raise BenchmarkError(
                f"{probe.label} as {probe.username} answered {response.status_code}, "
                f"not {probe.expect}: {response.content[:300]!r}")
        return millis, len(captured), response.content

    def compare(self, real: Probe, bare: Probe) -> tuple[Figures, Figures]:
        pair = (Figures(real), Figures(bare))
        for probe in (real, bare):
            self.request(probe)
        for _round in range(self.repeat):
            for figures in pair:
                figures.add(*self.request(figures.probe))
        self.results.append(pair)
        return pair

    def close(self) -> None:
        """Log the clients out (their sessions are the run's only other rows)."""
        for client in self.clients.values():
            client.logout()
        self.clients.clear()


def _cells(figures: Figures, ratio: str, indent: str = "") -> list[str]:
    counted = figures.probe.lists or figures.probe.call is not None
    rows = str(len(figures.listed)) if counted else "-"
    return [indent + figures.probe.label, figures.probe.username, figures.query_count,
            rows, f"{figures.median:.1f}", f"{figures.p95:.1f}", ratio]


def table(results: list[tuple[Figures, Figures]]) -> list[str]:
    """One line per measured path, the bare view right under its real page; columns are
    at least two spaces apart."""
    body = []
    for real, bare in results:
        body.append(_cells(real, f"{real.median / bare.median:.1f}"))
        body.append(_cells(bare, "-", indent="  "))
    grid = [list(COLUMNS), *body]
    widths = [max(len(row[i]) for row in grid) for i in range(len(COLUMNS))]
    return ["  ".join(cell.rjust(width) if name in NUMERIC else cell.ljust(width)
                      for cell, width, name in zip(row, widths, COLUMNS, strict=True))
            .rstrip() for row in grid]


def mismatches(results: list[tuple[Figures, Figures]]) -> list[str]:
    """Pairs whose pages list different messages (they did not do the same work)."""
    return [f"{real.probe.label} and its bare view list different messages"
            for real, bare in results
            if (real.probe.lists or real.probe.call is not None)
            and real.listed != bare.listed]
