"""Low ratings come back to curators: the "Low ratings" queue, the rating section of the
message's page, and its two forms (reopen, close the review)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import AppealEvent, EventKind, Notification, Role, Status
from cms.workflow import actions
from plugins.rating.links import make_token, read_token
from plugins.rating.models import LowRatingReview, Rating, ReviewOutcome, Solved
from plugins.rating.review import REVIEW_CLOSED
from plugins.rating.services import GIVEN, rate
from tests.rating.answered import answered, status_of
from tests.workflow.builders import demo_staff, fresh, snapshot, staff_member

QUEUE_URL = "/admin/queues/low-ratings/"


def low_rated(score=1, solved=Solved.NO, **fields):
    """An answered message rated low by its citizen (through the rating's write path)."""
    answer = answered(**fields)
    rate(answer, score, comment="Яма осталась", solved=solved)
    return answer


def open_review(answer) -> LowRatingReview:
    return LowRatingReview.objects.get(rating__answer=answer, closed_at__isnull=True)


def page_url(answer) -> str:
    return f"/admin/messages/{answer.appeal_id}/"


def action_url(answer, action) -> str:
    return f"/admin/rating/messages/{answer.appeal_id}/{action}/"


def form_data(answer, prefix, text, review=None):
    review = review or open_review(answer)
    answer.appeal.refresh_from_db()
    field = "reason" if prefix == "reopen" else "comment"
    return {f"{prefix}-review": review.pk, f"{prefix}-version": answer.appeal.version,
            f"{prefix}-{field}": text}


@pytest.fixture
def curator(client, demo):
    user = demo_staff()["curator"]
    client.force_login(user)
    return user


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_lists_messages_whose_low_rating_waits_for_review(client, curator):
    waiting = low_rated(score=2, solved=Solved.PARTLY)
    reviewed = low_rated()
    actions.do_reopen_appeal(reviewed.appeal_id, curator, "Переделать")
    rated_well = answered()
    rate(rated_well, 5)
    page = client.get(QUEUE_URL).content.decode()
    assert page_url(waiting) in page
    assert page_url(reviewed) not in page and page_url(rated_well) not in page
    assert "2 / 5" in page and str(Solved.PARTLY.label) in page


def test_the_queue_is_empty_where_the_plugin_is_off(client, curator, demo):
    answer = low_rated()
    demo.disabled_plugins = ["rating"]
    demo.save(update_fields=["disabled_plugins"])
    assert page_url(answer) not in client.get(QUEUE_URL).content.decode()


def test_only_curators_see_the_queue(client, demo):
    low_rated()
    client.force_login(demo_staff()["head"])
    assert client.get(QUEUE_URL).status_code in (302, 403)


def test_the_queue_page_costs_the_same_for_3_and_7_messages(client, curator):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE_URL)
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode()

    for _ in range(3):
        low_rated()
    client.get(QUEUE_URL)  # warm the per-process caches
    few, page = queries()
    assert page.count("1 / 5") == 3
    for _ in range(4):
        low_rated()
    many, page = queries()
    assert page.count("1 / 5") == 7
    assert few == many, f"{few} queries for 3 messages, {many} for 7"


def test_the_queue_condition_reads_the_partial_index_of_open_reviews(curator):
    from cms.staff_admin.queues import registered_queues

    low_rated()
    queue = next(queue for queue in registered_queues() if queue.key == "low-ratings")
    sql, params = queue.queryset(fresh(curator)).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Either partial index holds only the open reviews (the other is the one-open-review
    # constraint's): the condition never reads the closed ones.
    assert "Seq Scan on rating_lowratingreview" not in plan, plan
    assert "rating_review_open" in plan or "rating_one_open_review" in plan, plan


# --- the section on the message's page ---------------------------------------------------


def test_the_page_shows_the_rating_and_the_curators_two_forms(client, curator):
    answer = low_rated(score=2, solved=Solved.PARTLY)
    page = client.get(page_url(answer)).content.decode()
    assert "data-rating-panel" in page and "Яма осталась" in page
    assert 'data-action="rating-reopen"' in page
    assert 'data-action="rating-close-review"' in page


def test_a_head_sees_the_rating_but_no_forms(client, demo):
    answer = low_rated()
    client.force_login(demo_staff()["head"])
    page = client.get(page_url(answer)).content.decode()
    assert "data-rating-panel" in page
    assert "rating-reopen" not in page and "rating-close-review" not in page


def test_a_message_never_rated_has_no_rating_section(client, curator):
    answer = answered()
    assert "data-rating-panel" not in client.get(page_url(answer)).content.decode()


# --- reopening ---------------------------------------------------------------------------


def test_reopening_sends_the_message_back_to_work_and_ends_the_review(client, curator):
    answer = low_rated()
    review = open_review(answer)
    before = timezone.now()
    Notification.objects.all().delete()
    response = client.post(action_url(answer, "reopen"),
                           form_data(answer, "reopen", "Яма не заделана"), follow=True)
    assert response.redirect_chain[-1][0] == page_url(answer)
    appeal = answer.appeal
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK and appeal.deadline > before
    review.refresh_from_db()
    assert (review.outcome, review.closed_by, review.comment) == (
        ReviewOutcome.REOPENED, curator, "Яма не заделана")
    assert Notification.objects.filter(appeal=appeal, template="appeal_reopened",
                                       recipient=appeal.citizen).count() == 1
    assert page_url(answer) not in client.get(QUEUE_URL).content.decode()


def test_reopening_without_a_reason_changes_nothing(client, curator):
    answer = low_rated()
    before = snapshot(answer.appeal)
    response = client.post(action_url(answer, "reopen"),
                           form_data(answer, "reopen", "   "), follow=True)
    assert response.status_code == 200
    assert any("reason" in text.lower() or "причин" in text.lower()
               for text in shown_messages(response))
    assert snapshot(answer.appeal) == before
    assert open_review(answer).is_open


def test_the_cores_reopen_action_ends_the_review_too(curator):
    answer = low_rated()
    review = open_review(answer)
    actions.do_reopen_appeal(answer.appeal_id, curator, "Через общую форму")
    review.refresh_from_db()
    assert (review.outcome, review.comment) == (ReviewOutcome.REOPENED, "Через общую форму")


# --- closing the review ------------------------------------------------------------------


def test_closing_the_review_closes_the_answered_message_with_the_comment(client, curator):
    answer = low_rated()
    review = open_review(answer)
    client.post(action_url(answer, "close-review"),
                form_data(answer, "close", "Работы выполнены, фото в ответе"))
    review.refresh_from_db()
    assert (review.outcome, review.closed_by, review.comment) == (
        ReviewOutcome.CLOSED, curator, "Работы выполнены, фото в ответе")
    assert status_of(answer) == Status.CLOSED
    event = AppealEvent.objects.get(appeal_id=answer.appeal_id, kind=REVIEW_CLOSED)
    assert (event.actor, event.reason, event.is_public) == (
        curator, "Работы выполнены, фото в ответе", False)


def test_closing_the_review_needs_a_comment(client, curator):
    answer = low_rated()
    before = snapshot(answer.appeal)
    client.post(action_url(answer, "close-review"), form_data(answer, "close", ""))
    assert snapshot(answer.appeal) == before
    assert open_review(answer).is_open


# --- refusals ----------------------------------------------------------------------------


def test_a_stale_form_is_refused_with_who_closed_the_review(client, curator):
    answer = low_rated()
    review = open_review(answer)
    stale = form_data(answer, "close", "Закрываю", review=review)
    colleague = staff_member("curator-2", "uad", Role.CURATOR)
    actions.do_reopen_appeal(answer.appeal_id, colleague, "Коллега успел раньше")
    before = snapshot(answer.appeal)
    response = client.post(action_url(answer, "close-review"), stale, follow=True)
    assert response.status_code == 200
    assert any(colleague.username in text for text in shown_messages(response))
    assert snapshot(answer.appeal) == before
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.REOPENED
    assert not AppealEvent.objects.filter(appeal_id=answer.appeal_id,
                                          kind=REVIEW_CLOSED).exists()


def test_a_member_of_staff_who_may_not_act_is_refused(client, demo):
    answer = low_rated()
    data = form_data(answer, "reopen", "Хочу переоткрыть")
    before = snapshot(answer.appeal)
    client.force_login(demo_staff()["head"])
    response = client.post(action_url(answer, "reopen"), data, follow=True)
    assert response.status_code == 200 and shown_messages(response)
    assert snapshot(answer.appeal) == before
    assert open_review(answer).is_open


def test_a_message_the_user_cannot_see_is_a_404(client, demo):
    answer = low_rated()
    data = form_data(answer, "close", "Чужое")
    client.force_login(staff_member("far-coordinator", "cur", Role.COORDINATOR))
    assert client.post(action_url(answer, "close-review"), data).status_code == 404
    assert open_review(answer).is_open


def test_a_post_without_the_csrf_token_is_refused(curator):
    answer = low_rated()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(curator)
    response = strict.post(action_url(answer, "reopen"), form_data(answer, "reopen", "Без"))
    assert response.status_code == 403
    assert status_of(answer) == Status.ANSWERED


def test_with_the_plugin_off_the_forms_answer_404(client, curator, demo):
    answer = low_rated()
    demo.disabled_plugins = ["rating"]
    demo.save(update_fields=["disabled_plugins"])
    response = client.post(action_url(answer, "reopen"), form_data(answer, "reopen", "Да"))
    assert response.status_code == 404
    assert "data-rating-panel" not in client.get(page_url(answer)).content.decode()


# --- answered again ----------------------------------------------------------------------


def test_an_answer_after_reopening_is_rated_on_its_own_and_the_first_rating_stays(
        client, curator):
    staff = demo_staff()
    first = low_rated()
    first_rating = Rating.objects.get(answer=first)
    client.post(action_url(first, "reopen"), form_data(first, "reopen", "Яма осталась"))
    assert status_of(first) == Status.IN_WORK
    actions.do_submit_answer(first.appeal_id, staff["executor"], "Заделали яму.")
    second = actions.do_approve_answer(first.appeal_id, staff["head"])

    # The new answer's e-mail carries a token of its own (links.make_token).
    link = read_token(make_token(second))
    assert (link.appeal.pk, link.answer.pk) == (first.appeal_id, second.pk)
    rate(link.answer, 5)

    assert Rating.objects.get(answer=second).score == 5
    first_rating_now = Rating.objects.get(pk=first_rating.pk)
    assert (first_rating_now.answer_id, first_rating_now.score) == (first.pk, 1)
    given = AppealEvent.objects.filter(appeal_id=first.appeal_id, kind=GIVEN).order_by("pk")
    assert [event.data["answer"] for event in given] == [first.pk, second.pk]
    assert status_of(second) == Status.CLOSED
    assert LowRatingReview.objects.get(rating=first_rating).outcome == ReviewOutcome.REOPENED


def test_the_review_closed_event_is_in_the_staff_history(client, curator):
    answer = low_rated()
    client.post(action_url(answer, "close-review"), form_data(answer, "close", "Проверено"))
    page = client.get(page_url(answer)).content.decode()
    assert "Проверено" in page
    assert AppealEvent.objects.filter(appeal_id=answer.appeal_id, kind=EventKind.STATUS_CHANGED,
                                      to_value=Status.CLOSED).count() == 1


def test_the_reopened_deadline_is_new(client, curator):
    answer = low_rated()
    Appeal = type(answer.appeal)
    Appeal.objects.filter(pk=answer.appeal_id).update(
        deadline=timezone.now() - timedelta(days=3), is_overdue=True)
    client.post(action_url(answer, "reopen"), form_data(answer, "reopen", "Снова"))
    appeal = Appeal.objects.get(pk=answer.appeal_id)
    assert appeal.deadline > timezone.now() and not appeal.is_overdue


def test_the_queue_sorts_by_score_and_exports_its_columns(client, curator):
    two = low_rated(score=2, solved=Solved.PARTLY)
    one = low_rated(score=1)
    page = client.get(QUEUE_URL, {"o": "6"}).content.decode()  # the score column
    assert page.index(f">{one.appeal.number}<") < page.index(f">{two.appeal.number}<")
    page = client.get(QUEUE_URL, {"o": "-6"}).content.decode()
    assert page.index(f">{two.appeal.number}<") < page.index(f">{one.appeal.number}<")
    exported = client.get(QUEUE_URL, {"export": "csv"})
    rows = b"".join(exported.streaming_content if exported.streaming else
                    [exported.content]).decode()
    assert "2 / 5" in rows and str(Solved.PARTLY.label) in rows
