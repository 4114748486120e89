"""pg_trgm's `similarity()` in Python, for the refresh's path off PostgreSQL (SQLite,
the demo): the same share of common trigrams, so that the groups of similar messages
are the groups PostgreSQL finds.

As pg_trgm makes them (its defaults): the text's words are its runs of letters and
digits, lower-cased; each word is padded with two spaces before and one after, and its
trigrams are the runs of three characters of that; a text's trigrams are a set. The
similarity of two texts is the number of trigrams they share over the number in
either (0 when neither has one).
"""

from __future__ import annotations

import re
import struct

WORD = re.compile(r"[^\W_]+")  # letters and digits, any script


def trigrams(text: str) -> frozenset[str]:
    found = set()
    for word in WORD.findall(text.lower()):
        padded = f"  {word} "
        found.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return frozenset(found)


def similarity(a: str | frozenset[str], b: str | frozenset[str]) -> float:
    """pg_trgm's similarity of two texts (or of their `trigrams`)."""
    first = trigrams(a) if isinstance(a, str) else a
    second = trigrams(b) if isinstance(b, str) else b
    common = len(first & second)
    union = len(first) + len(second) - common
    return common / union if union else 0.0


def at_least(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    """`similarity(a, b) >= threshold` as PostgreSQL compares it: both sides as its
    `real` (single precision), which the similarity is."""
    return _real(similarity(a, b)) >= _real(threshold)


def _real(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]
