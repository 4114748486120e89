"""django-q2 task of the retention rules (scheduled daily by the core)."""

from dataclasses import asdict

from .anonymise import anonymise_personal_data


def anonymise_personal_data_task() -> dict:
    """Anonymise every region's due messages, then the idle citizen accounts. Idempotent:
    a retried or doubled run finds nothing left to do. Returns the counts by scope."""
    return {scope: asdict(counts) for scope, counts in anonymise_personal_data().items()}
