"""The load run's checks, given recorded attempts, messages, outbox rows and a Maildir:
each must fail on the problem it is there to find."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage

from loadtest import checks

MARK_A = "[loadtest r1 " + "a" * 32 + "]"
MARK_B = "[loadtest r1 " + "b" * 32 + "]"
MARK_C = "[loadtest r1 " + "c" * 32 + "]"


def attempt(mark, outcome="success", public_id=None):
    return {"marker": mark, "outcome": outcome, "public_id": public_id, "t": 0.0}


def appeal(mark, public_id, number):
    return {"marker": mark, "public_id": public_id, "number": number}


def test_marker_is_found_in_a_message_text():
    assert checks.marker_of(f"Яма у дома 5. {MARK_A}") == MARK_A
    assert checks.marker_of("Яма у дома 5.") is None


def test_submissions_match_one_to_one():
    result = checks.check_submissions(
        [attempt(MARK_A, public_id="u1"), attempt(MARK_B, "429")],
        [appeal(MARK_A, "u1", "N-1")],
    )
    assert result.ok, result.problems
    assert "429: 1" in result.summary and "success: 1" in result.summary


def test_a_success_without_a_message_is_lost():
    result = checks.check_submissions([attempt(MARK_A, public_id="u1")], [])
    assert not result.ok
    assert result.problems[0].startswith("lost:")


def test_a_success_with_two_messages_is_duplicated():
    result = checks.check_submissions(
        [attempt(MARK_A, public_id="u1")],
        [appeal(MARK_A, "u1", "N-1"), appeal(MARK_A, "u2", "N-2")],
    )
    assert not result.ok
    assert "duplicated" in result.problems[0] and "N-1, N-2" in result.problems[0]


def test_a_message_whose_request_failed_is_without_a_success():
    # The server registered it, but the citizen's request got no answer (connection lost).
    result = checks.check_submissions(
        [attempt(MARK_C, "0")], [appeal(MARK_C, "u3", "N-3")]
    )
    assert not result.ok
    assert result.problems == [
        f"without a success: message N-3 ({MARK_C}); its request was answered 0"
    ]


def test_a_success_answered_with_another_message_is_a_mismatch():
    result = checks.check_submissions(
        [attempt(MARK_A, public_id="u9")], [appeal(MARK_A, "u1", "N-1")]
    )
    assert not result.ok and result.problems[0].startswith("mismatch:")


def deliver(maildir_path, to, subject, body="Текст письма.\n", notification_id=None):
    letter = EmailMessage()
    letter["To"] = to
    letter["From"] = "noreply@pos.invalid"
    letter["Subject"] = subject
    if notification_id is not None:
        letter[checks.NOTIFICATION_HEADER] = str(notification_id)
    letter.set_content(body)
    for folder in ("new", "cur", "tmp"):
        (maildir_path / folder).mkdir(exist_ok=True)
    box = mailbox.Maildir(maildir_path, create=False)
    box.add(letter)
    box.close()


def row(pk, email, subject, state="sent", attempts=1):
    return {
        "id": pk,
        "email": email,
        "subject": subject,
        "body": "Текст письма.\n",
        "state": state,
        "attempts": attempts,
    }


def test_every_notification_delivered_once(tmp_path):
    deliver(tmp_path, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано")
    deliver(tmp_path, "moderator@demo.example", "Сообщение 77-1 в вашей очереди")
    result = checks.check_notifications(
        [
            row(1, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано"),
            row(
                2,
                "moderator@demo.example",
                "Сообщение 77-1 в вашей очереди",
                attempts=2,
            ),
        ],
        checks.read_maildir(tmp_path),
    )
    assert result.ok, result.problems
    assert "2 delivered exactly once; 1 needed more than one attempt" in result.summary


def test_a_letter_sent_twice_is_found(tmp_path):
    for _ in range(2):
        deliver(tmp_path, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано")
    result = checks.check_notifications(
        [row(1, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано")],
        checks.read_maildir(tmp_path),
    )
    assert not result.ok
    assert result.problems[0].startswith("delivered 2 times: notification 1")


def test_a_sent_row_without_a_letter_is_not_delivered(tmp_path):
    (tmp_path / "new").mkdir()
    (tmp_path / "cur").mkdir()
    result = checks.check_notifications(
        [row(1, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано")],
        checks.read_maildir(tmp_path),
    )
    assert not result.ok and result.problems[0].startswith("not delivered:")


def test_a_letter_left_claimed_by_a_killed_worker_is_named(tmp_path):
    # Delivered, but the worker died before recording it: the row still says "sending".
    deliver(tmp_path, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано")
    result = checks.check_notifications(
        [row(1, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано", "sending")],
        checks.read_maildir(tmp_path),
    )
    assert not result.ok
    assert result.problems[0].startswith("delivered once but recorded sending")


def test_a_letter_a_killed_worker_handed_over_is_left_to_a_person(tmp_path):
    # Delivered; the worker died after handing it over, and the sweep asked a person.
    deliver(tmp_path, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано")
    handed = {**row(1, "a@load.invalid", "Ваше сообщение 77-1 зарегистрировано",
                    "failed"), "handed": True}
    result = checks.check_notifications([handed], checks.read_maildir(tmp_path))
    assert result.ok, result.problems
    assert "delivered once, left for a person to confirm" in result.summary
    # Failed without a hand-over, the same letter in the sink is a contradiction.
    result = checks.check_notifications([{**handed, "handed": False}],
                                        checks.read_maildir(tmp_path))
    assert not result.ok
    assert result.problems[0].startswith("delivered once but recorded failed")


def test_a_letter_for_no_row_and_matching_by_the_outbox_header(tmp_path):
    deliver(
        tmp_path,
        "a@load.invalid",
        "Ваше сообщение 77-1 зарегистрировано",
        notification_id=5,
    )
    deliver(tmp_path, "x@load.invalid", "Чужое письмо")
    result = checks.check_notifications(
        [row(5, "a@load.invalid", "Тема, которую шаблон дал бы теперь иначе")],
        checks.read_maildir(tmp_path),
    )
    # Row 5 is matched by its header although its subject would now render otherwise.
    assert not result.ok
    assert len(result.problems) == 1
    assert result.problems[0].startswith("a letter for no outbox row:")
    assert "'Чужое письмо' to x@load.invalid" in result.problems[0]


def test_server_errors_and_unanswered_requests_fail_the_run():
    assert checks.check_no_server_errors([], 100).ok
    result = checks.check_no_server_errors(
        [
            {"t": 1.0, "name": "POST general form", "status": 502, "error": ""},
            {
                "t": 2.0,
                "name": "GET /my/",
                "status": 0,
                "error": "ConnectionResetError",
            },
        ],
        100,
    )
    assert not result.ok
    assert result.summary == (
        "1 answers of 5xx and 1 requests without an answer, of 100 requests"
    )


def test_drained_only_when_the_broker_and_the_outbox_are_empty():
    empty = {"queued": 0, "pending": 0, "sending": 0, "seconds": 3.0, "timeout": 120}
    assert checks.check_drained(empty).ok
    assert not checks.check_drained({**empty, "pending": 2}).ok
    assert not checks.check_drained({**empty, "queued": 1}).ok
    # A claim left by a killed worker: not settled until the sweep sends it again.
    assert not checks.check_drained({**empty, "sending": 1}).ok
