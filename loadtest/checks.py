"""The run's checks, as functions of what was recorded: no stack needed to test them.

- every successful submission has exactly one message, and no message exists without a
  success (matched by the unique marker in each submission's text);
- every notification delivered exactly once to the SMTP sink (matched by the outbox row's
  id when the letter carries it in `X-POS-Notification`, else by recipient and subject:
  each subject names its message's number and what happened, so one person gets one
  letter per subject in this profile; the body is not compared, as it is rendered from
  the message as it is now, which the staff may have changed since the letter left);
- no 5xx;
- the worker queue drained.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"\[loadtest [^\]\s]+ [0-9a-f]{32}\]")
NOTIFICATION_HEADER = "X-POS-Notification"


@dataclass
class Check:
    name: str
    ok: bool
    summary: str
    problems: list[str] = field(default_factory=list)

    def lines(self, limit: int = 10) -> list[str]:
        head = f"[{'ok' if self.ok else 'FAILED'}] {self.name}: {self.summary}"
        return [head, *(f"    {problem}" for problem in self.problems[:limit])] + (
            [f"    … and {len(self.problems) - limit} more"]
            if len(self.problems) > limit
            else []
        )


def marker_of(text: str) -> str | None:
    found = MARKER.search(text or "")
    return found.group(0) if found else None


def check_submissions(attempts: list[dict], appeals: list[dict]) -> Check:
    """`attempts`: {"marker", "outcome" ("success" or an HTTP status, "0" for no answer),
    "public_id" (successes)}; `appeals`: {"marker", "public_id", "number"} of every
    message whose text carries a marker of this run."""
    messages_by_marker: dict[str, list[dict]] = {}
    for appeal in appeals:
        messages_by_marker.setdefault(appeal["marker"], []).append(appeal)
    outcomes = Counter(attempt["outcome"] for attempt in attempts)
    problems = []
    successes = [attempt for attempt in attempts if attempt["outcome"] == "success"]
    succeeded = {attempt["marker"] for attempt in successes}
    for attempt in successes:
        found = messages_by_marker.get(attempt["marker"], [])
        if not found:
            problems.append(
                f"lost: {attempt['marker']} was answered as registered "
                "but no message carries it"
            )
        elif len(found) > 1:
            problems.append(
                f"duplicated: {attempt['marker']} is in "
                f"{len(found)} messages ({', '.join(a['number'] for a in found)})"
            )
        elif found[0]["public_id"] != attempt.get("public_id"):
            problems.append(
                f"mismatch: {attempt['marker']} was answered with "
                f"{attempt.get('public_id')} but is message "
                f"{found[0]['public_id']}"
            )
    attempted = {attempt["marker"]: attempt["outcome"] for attempt in attempts}
    for mark, found in messages_by_marker.items():
        if mark in succeeded:
            continue
        outcome = attempted.get(mark)
        how = (
            f"its request was answered {outcome}"
            if outcome is not None
            else "no request recorded it"
        )
        problems.append(
            f"without a success: message {found[0]['number']} ({mark}); {how}"
        )
    summary = (
        f"{len(successes)} successful submissions, {len(appeals)} messages with a "
        f"marker; attempts by outcome: "
        + ", ".join(f"{key}: {count}" for key, count in sorted(outcomes.items()))
    )
    return Check(
        "every successful submission has exactly one message, and no message "
        "exists without a success",
        not problems,
        summary,
        problems,
    )


def read_letter(raw: bytes) -> dict:
    """Recipient, subject, body and the outbox id (if the letter names it) of one letter."""
    letter = email.message_from_bytes(raw, policy=email.policy.default)
    body = letter.get_body(preferencelist=("plain",))
    return {
        "to": str(letter.get("To", "")).strip().lower(),
        "subject": str(letter.get("Subject", "")).strip(),
        "body": normalise(body.get_content() if body is not None else ""),
        "notification_id": str(letter.get(NOTIFICATION_HEADER, "")).strip() or None,
        "message_id": str(letter.get("Message-ID", "")).strip(),
    }


def read_maildir(path: Path) -> list[dict]:
    letters = []
    for folder in ("new", "cur"):
        for item in sorted((path / folder).glob("*")):
            if item.is_file():
                letters.append({**read_letter(item.read_bytes()), "file": item.name})
    return letters


def normalise(text: str) -> str:
    return "\n".join(
        line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n")
    )


def letter_key(to: str, subject: str) -> tuple[str, str]:
    return (to.strip().lower(), subject.strip())


def check_notifications(rows: list[dict], letters: list[dict]) -> Check:
    """`rows`: the outbox rows of the run, {"id", "email", "subject", "body", "state",
    "attempts", "handed"}; `letters`: what the SMTP sink kept (`read_maildir`)."""
    by_id = Counter(
        letter["notification_id"] for letter in letters if letter["notification_id"]
    )
    by_content = Counter(
        letter_key(letter["to"], letter["subject"])
        for letter in letters
        if not letter["notification_id"]
    )
    rows_by_content = Counter(letter_key(row["email"], row["subject"]) for row in rows)
    states = Counter(row["state"] for row in rows)
    problems = []
    once = 0
    for_a_person = []
    for row in rows:
        key = letter_key(row["email"], row["subject"])
        # Rows with the same recipient and subject (none in this profile) share their
        # letters evenly, so two such rows with two letters count once each.
        delivered = (
            by_id.get(str(row["id"]), 0) + by_content.get(key, 0) / rows_by_content[key]
        )
        label = (
            f"notification {row['id']} ({row['subject']!r} to {row['email']}, "
            f"{row['state']}, {row['attempts']} attempts)"
        )
        if delivered == 1 and row["state"] == "sent":
            once += 1
        elif delivered == 1 and row["state"] == "failed" and row.get("handed"):
            # A worker stopped after handing the letter over: the outbox cannot know
            # the server kept it, so it asks a person rather than risk a second copy.
            once += 1
            for_a_person.append(label)
        elif delivered == 1:
            problems.append(f"delivered once but recorded {row['state']}: {label}")
        elif delivered == 0:
            problems.append(f"not delivered: {label}")
        else:
            problems.append(f"delivered {delivered:g} times: {label}")
    known_ids = {str(row["id"]) for row in rows}
    for letter in letters:
        key = letter_key(letter["to"], letter["subject"])
        if letter["notification_id"]:
            if letter["notification_id"] not in known_ids:
                problems.append(f"a letter for no outbox row: {letter['file']}")
        elif key not in rows_by_content:
            problems.append(
                f"a letter for no outbox row: {letter['file']} "
                f"({letter['subject']!r} to {letter['to']})"
            )
    summary = (
        f"{len(rows)} outbox rows ("
        + ", ".join(f"{state}: {count}" for state, count in sorted(states.items()))
        + f"), {len(letters)} letters in the sink, {once} delivered exactly once; "
        f"{sum(1 for row in rows if row['attempts'] > 1)} needed more than one "
        "attempt"
        + "".join(f"; delivered once, left for a person to confirm (its worker stopped "
                  f"after handing it over): {label}" for label in for_a_person)
    )
    return Check(
        "every notification delivered exactly once to the SMTP sink",
        not problems,
        summary,
        problems,
    )


def check_no_server_errors(errors: list[dict], requests: int) -> Check:
    """`errors`: every answer of 500 or more, and every request that got no answer."""
    server = [error for error in errors if error["status"] >= 500]
    unanswered = [error for error in errors if error["status"] == 0]
    by_name = Counter(
        f"{error['name']} -> {error['status'] or error['error']}" for error in errors
    )
    problems = [f"{count} × {what}" for what, count in by_name.most_common()]
    return Check(
        "zero 5xx",
        not server and not unanswered,
        f"{len(server)} answers of 5xx and {len(unanswered)} requests without an "
        f"answer, of {requests} requests",
        problems,
    )


def check_drained(drain: dict) -> Check:
    """`drain`: {"queued", "pending", "sending", "seconds", "timeout"} after the wait."""
    ok = drain["queued"] == 0 and drain["pending"] == 0 and drain["sending"] == 0
    state = (
        f"broker queue {drain['queued']}, outbox pending {drain['pending']}, "
        f"sending {drain['sending']}"
    )
    summary = (
        f"drained {drain['seconds']:.0f} s after the load ({state})"
        if ok
        else f"not drained after {drain['timeout']:.0f} s ({state})"
    )
    return Check("the worker queue drained at the end", ok, summary)


def errors_between(errors: list[dict], start: float, end: float) -> list[dict]:
    return [error for error in errors if start <= error["t"] <= end]
