"""The write paths, one behaviour at a time: what each writes, tells and refuses."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from cms import audit
from cms.kernel.hookspecs import DeadlineChoice
from cms.kernel.plugins import build_plugin_manager, hookimpl, hooks_for
from cms.models import (
    AppealEvent,
    AuditRecord,
    EventKind,
    Notification,
    RegionWorkflowSettings,
    Status,
)
from cms.notifications.outbox import render
from cms.submission.registration import NewAppeal, do_register_appeal
from cms.workflow import actions, tasks
from cms.workflow.errors import ActionRefused, InvalidInput, StaleVersion
from cms.workflow.table import TransitionNotAllowed
from tests import factories
from tests.workflow.builders import (
    citizen,
    demo_staff,
    fresh,
    message,
    snapshot,
    staff_member,
)


@pytest.fixture
def staff(demo):
    return demo_staff()


def status_changes(appeal):
    return list(AppealEvent.objects.filter(appeal=appeal, kind=EventKind.STATUS_CHANGED)
                .values_list("from_value", "to_value"))


def templates_sent_to(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("template",
                                                                          flat=True))


def test_the_whole_chain_writes_history_and_tells_everyone(staff,
                                                          django_capture_on_commit_callbacks):
    author = citizen()
    sub = factories.subcategory("01.01")
    with django_capture_on_commit_callbacks(execute=True):
        appeal, _ = do_register_appeal(NewAppeal(
            region=factories.demo_region(), citizen=author, category=sub.category,
            subcategory=sub, territory=factories.territory("gorsk"), text="Яма у дома 5"))
        if appeal.organisation.code != "adm-gorsk":
            actions.do_change_organisation(appeal.pk, staff["moderator"],
                                           factories.organisation("adm-gorsk"))
        actions.do_pass_on_appeal(appeal.pk, staff["moderator"])
        actions.do_assign_executor(appeal.pk, staff["coordinator"], staff["executor"])
        first = actions.do_submit_answer(appeal.pk, fresh(staff["executor"]), "Черновик")
        actions.do_return_to_executor(appeal.pk, staff["head"], "Укажите сроки")
        actions.do_submit_answer(appeal.pk, fresh(staff["executor"]), "Отремонтируем к 1 июня")
        answer = actions.do_approve_answer(appeal.pk, staff["head"])

    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    assert status_changes(appeal) == [
        ("registered", "on_moderation"), ("on_moderation", "sent_to_organisation"),
        ("sent_to_organisation", "in_work"), ("in_work", "on_approval"),
        ("on_approval", "in_work"), ("in_work", "on_approval"), ("on_approval", "answered"),
    ]
    first.refresh_from_db()
    assert first.remarks == "Укажите сроки" and not first.is_published
    assert list(appeal.answers.filter(is_published=True)) == [answer]
    public = AppealEvent.objects.filter(appeal=appeal, is_public=True,
                                        kind=EventKind.STATUS_CHANGED)
    assert [e.to_value for e in public] == ["on_moderation", "sent_to_organisation",
                                           "answered"]
    assert "queue_new_message" in templates_sent_to(staff["moderator"])
    assert templates_sent_to(staff["coordinator"]) == ["queue_new_message"]
    assert templates_sent_to(staff["executor"]) == ["queue_new_message",
                                                    "returned_for_rework"]
    assert templates_sent_to(staff["head"]) == ["approval_waiting", "approval_waiting"]
    assert templates_sent_to(author) == ["appeal_answered", "appeal_registered"]
    answered = [m for m in mail.outbox if m.to == [author.email]][-1]
    assert "Отремонтируем к 1 июня" in answered.body
    assert appeal.version == 1 + 6 + (appeal.events.filter(
        kind=EventKind.ADDRESSEE_CHANGED).count())


def test_every_event_reaches_the_plugins(staff, plugin_manager):
    seen = []

    class Recorder:
        @hookimpl
        def appeal_transitioned(self, appeal, event):
            seen.append((event.kind, event.from_value, event.to_value, appeal.status))

    plugin_manager.register(Recorder(), name="recorder")
    appeal = message(Status.SENT_TO_ORGANISATION)
    actions.do_assign_executor(appeal.pk, staff["coordinator"], staff["executor"])
    assert seen == [("executor_changed", "", "Дмитрий Соколов", "in_work"),
                    ("status_changed", "sent_to_organisation", "in_work", "in_work")]


def test_a_form_opened_on_an_older_version_is_refused_with_who_changed_it(staff):
    appeal = message(Status.ON_MODERATION)
    opened_at = appeal.version
    actions.do_change_organisation(appeal.pk, staff["moderator"],
                                   factories.organisation("uad"))
    before = snapshot(appeal)
    with pytest.raises(StaleVersion) as stale:
        actions.do_pass_on_appeal(appeal.pk, staff["moderator"], version=opened_at)
    assert "Анна Смирнова" in str(stale.value)
    assert snapshot(appeal) == before


def test_refusals_write_nothing(staff):
    appeal = message(Status.ON_MODERATION)
    before = snapshot(appeal)
    with pytest.raises(ActionRefused):
        actions.do_pass_on_appeal(appeal.pk, staff["coordinator"])
    with pytest.raises(TransitionNotAllowed):
        actions.do_submit_answer(appeal.pk, staff["moderator"], "Ответ")
    with pytest.raises(InvalidInput):
        actions.do_reject_appeal(appeal.pk, staff["moderator"], "  ")
    assert snapshot(appeal) == before
    assert not AuditRecord.objects.filter(appeal=appeal).exists()


def test_the_routing_hook_suggests_the_addressee_for_a_new_category(staff, plugin_manager):
    asked = []

    class Router:
        @hookimpl(tryfirst=True)
        def choose_addressee(self, appeal):
            from cms.kernel.hookspecs import AddresseeChoice

            asked.append((appeal.subcategory.code, appeal._state.adding))
            return AddresseeChoice(organisation=factories.organisation("uad"),
                                   explanation="Дороги — УАД")

    plugin_manager.register(Router(), name="router")
    appeal = message(Status.ON_MODERATION, organisation_code="cur")
    actions.do_change_category(appeal.pk, staff["moderator"], factories.subcategory("01.02"))
    appeal.refresh_from_db()
    assert asked == [("01.02", True)]
    assert appeal.subcategory.code == "01.02" and appeal.organisation.code == "uad"
    addressee = appeal.events.get(kind=EventKind.ADDRESSEE_CHANGED)
    assert addressee.reason == "Дороги — УАД" and addressee.data["suggested"] is True


def test_an_explicit_organisation_overrides_the_suggestion(staff):
    appeal = message(Status.ON_MODERATION, organisation_code="cur")
    actions.do_change_category(appeal.pk, staff["moderator"], factories.subcategory("01.02"),
                               organisation=factories.organisation("mintrans"))
    appeal.refresh_from_db()
    assert appeal.organisation.code == "mintrans"
    assert appeal.events.filter(kind=EventKind.CATEGORY_CHANGED).count() == 1


def test_rejection_tells_the_citizen_why(staff, django_capture_on_commit_callbacks):
    appeal = message(Status.ON_MODERATION)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_reject_appeal(appeal.pk, staff["moderator"],
                                 "Дубликат сообщения № DEMO-2026-000001", "duplicate")
    event = appeal.events.get(kind=EventKind.STATUS_CHANGED)
    assert event.is_public and event.to_value == "rejected"
    assert "DEMO-2026-000001" in mail.outbox[-1].body


class TestClarification:
    def test_the_clock_pauses_while_the_citizen_is_asked(self, staff):
        appeal = message(Status.ON_MODERATION)
        deadline = appeal.deadline
        actions.do_ask_clarification(appeal.pk, staff["moderator"], "Какой подъезд?")
        clarification = appeal.clarifications.get()
        assert clarification.due_at - clarification.asked_at == timedelta(days=3)
        clarification.asked_at -= timedelta(days=2)
        clarification.save()
        stranger = citizen("someone-else", "else@example.org")
        with pytest.raises(ActionRefused):
            actions.do_answer_clarification(appeal.pk, stranger, "Второй")
        actions.do_answer_clarification(appeal.pk, appeal.citizen, "Второй подъезд")
        appeal.refresh_from_db()
        assert appeal.status == Status.ON_MODERATION
        assert timedelta(days=2) <= appeal.deadline - deadline < timedelta(days=2, minutes=1)
        answer = appeal.events.filter(kind=EventKind.STATUS_CHANGED).last()
        assert answer.is_public and answer.reason == "Второй подъезд"
        assert answer.actor == appeal.citizen

    def test_the_deadline_a_plugin_proposes_is_written_once_by_the_core(
            self, staff, plugin_manager):
        proposed = timezone.now() + timedelta(days=40)
        asked = []

        class Calendar:
            @hookimpl(tryfirst=True)
            def deadline_after_pause(self, appeal, paused_at, resumed_at):
                asked.append((appeal.deadline, paused_at, resumed_at))
                return DeadlineChoice(due_at=proposed, explanation="Пересчитано плагином")

        plugin_manager.register(Calendar(), name="calendar")
        appeal = message(Status.ON_MODERATION)
        actions.do_ask_clarification(appeal.pk, staff["moderator"], "Какой подъезд?")
        appeal.refresh_from_db()
        version, deadline = appeal.version, appeal.deadline
        audited = AuditRecord.objects.filter(appeal=appeal).count()

        actions.do_answer_clarification(appeal.pk, appeal.citizen, "Второй подъезд")

        clarification = appeal.clarifications.get()
        assert asked == [(deadline, clarification.asked_at, clarification.answered_at)]
        appeal.refresh_from_db()
        assert appeal.deadline == proposed and appeal.version == version + 1
        assert AuditRecord.objects.filter(appeal=appeal).count() == audited + 1
        [event] = appeal.events.filter(kind=EventKind.DEADLINE_CHANGED)
        assert event.reason == "Пересчитано плагином" and event.is_public
        assert event.to_value == proposed.isoformat()

    def test_the_region_sets_the_term(self, staff, demo):
        RegionWorkflowSettings.objects.update_or_create(region=demo,
                                                        defaults={"clarification_days": 5})
        appeal = message(Status.ON_MODERATION)
        actions.do_ask_clarification(appeal.pk, staff["moderator"], "Какой подъезд?")
        clarification = appeal.clarifications.get()
        assert clarification.due_at - clarification.asked_at == timedelta(days=5)

    def test_unanswered_past_the_term_is_rejected_by_the_sweep(
            self, staff, django_capture_on_commit_callbacks):
        overdue = message(Status.WAITING_FOR_CITIZEN)  # due a day ago
        waiting = message(Status.ON_MODERATION)
        actions.do_ask_clarification(waiting.pk, staff["moderator"], "Какой подъезд?")
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.expire_clarifications_task() == 1
        overdue.refresh_from_db()
        waiting.refresh_from_db()
        assert overdue.status == Status.REJECTED and waiting.status == Status.WAITING_FOR_CITIZEN
        rejection = overdue.events.get(kind=EventKind.STATUS_CHANGED)
        assert rejection.is_public and rejection.actor is None and rejection.reason
        assert overdue.clarifications.get().expired_at is not None
        assert Notification.objects.filter(appeal=overdue, template="appeal_rejected").exists()
        assert tasks.expire_clarifications_task() == 0


def test_hook_deadline_after_pause(demo):
    """The core's answer, with no plugin answering: the deadline moved by the calendar
    time the clock was paused."""
    appeal = message(Status.WAITING_FOR_CITIZEN)
    demo.disabled_plugins = ["fasttrack"]
    resumed_at = timezone.now()
    paused_at = resumed_at - timedelta(days=2, hours=3)
    choice = hooks_for(demo).deadline_after_pause(appeal=appeal, paused_at=paused_at,
                                                  resumed_at=resumed_at)
    assert choice.due_at == appeal.deadline + timedelta(days=2, hours=3)
    assert choice.explanation


class TestPostponement:
    def test_the_date_is_checked_against_the_hook_limit(self, staff, plugin_manager):
        limit = timezone.now() + timedelta(days=7)

        class Limit:
            @hookimpl(tryfirst=True)
            def postponement_limit(self, appeal, now):
                return limit

        plugin_manager.register(Limit(), name="limit")
        executor = staff["executor"]
        appeal = message(Status.IN_WORK, executor=executor)
        before = snapshot(appeal)
        for until in (limit + timedelta(hours=1), timezone.now() - timedelta(minutes=1)):
            with pytest.raises(InvalidInput):
                actions.do_propose_postponement(appeal.pk, executor, "Сезон", until)
        assert snapshot(appeal) == before
        actions.do_propose_postponement(appeal.pk, executor, "Сезон", limit)
        appeal.refresh_from_db()
        assert appeal.status == Status.ON_APPROVAL

    def test_approved_it_tells_the_citizen_and_returns_to_work_on_its_date(
            self, staff, django_capture_on_commit_callbacks):
        executor = staff["executor"]
        appeal = message(Status.IN_WORK, executor=executor)
        until = timezone.now() + timedelta(days=10)
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_propose_postponement(appeal.pk, executor, "Асфальт кладут летом", until)
            actions.do_approve_postponement(appeal.pk, staff["head"])
        appeal.refresh_from_db()
        assert appeal.status == Status.POSTPONED and appeal.postponed_until == until
        postponed = appeal.events.filter(kind=EventKind.STATUS_CHANGED).last()
        assert postponed.is_public and postponed.reason == "Асфальт кладут летом"
        assert postponed.data["until"] == until.isoformat()
        letter = mail.outbox[-1]
        assert "Асфальт кладут летом" in letter.body and appeal.citizen.email in letter.to

        assert tasks.resume_postponed_task() == 0
        type(appeal).objects.filter(pk=appeal.pk).update(
            postponed_until=timezone.now() - timedelta(minutes=1))
        assert tasks.resume_postponed_task() == 1
        appeal.refresh_from_db()
        assert appeal.status == Status.IN_WORK and appeal.postponed_until is None
        assert appeal.deadline > timezone.now()
        resumed = appeal.events.filter(kind=EventKind.STATUS_CHANGED).last()
        assert (resumed.from_value, resumed.to_value, resumed.actor) == ("postponed",
                                                                         "in_work", None)


def test_a_redirect_goes_back_to_moderation_and_keeps_the_chain(staff):
    executor = staff["executor"]
    appeal = message(Status.IN_WORK, executor=executor)
    actions.do_redirect_appeal(appeal.pk, staff["coordinator"], factories.organisation("uad"),
                               "Дорога областная")
    appeal.refresh_from_db()
    assert appeal.status == Status.ON_MODERATION and appeal.executor is None
    assert not actions.appeal_policy.user_can_view(fresh(executor), appeal)
    actions.do_pass_on_appeal(appeal.pk, staff["moderator"])
    uad_coordinator = fresh(type(executor).objects.get(username="uad.coordinator"))
    actions.do_redirect_appeal(appeal.pk, uad_coordinator, factories.organisation("mintrans"),
                               "Это министерство")
    chain = appeal.events.filter(kind=EventKind.ADDRESSEE_CHANGED, data__redirect=True)
    assert [(e.data["from"], e.data["to"]) for e in chain] == [("adm-gorsk", "uad"),
                                                               ("uad", "mintrans")]


def test_reassigning_moves_the_executor_grant(staff):
    first = staff["executor"]
    second = staff_member("gorsk.executor2", "adm-gorsk", "executor")
    appeal = message(Status.IN_WORK, executor=first)
    actions.do_assign_executor(appeal.pk, staff["coordinator"], second)
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK and appeal.executor == second
    assert actions.appeal_policy.user_can_view(fresh(second), appeal)
    assert not actions.appeal_policy.user_can_view(fresh(first), appeal)
    outsider = factories.user("not-an-executor")
    with pytest.raises(InvalidInput):
        actions.do_assign_executor(appeal.pk, staff["coordinator"], outsider)


def test_a_comment_is_internal_and_never_stale(staff):
    appeal = message(Status.ON_MODERATION)
    version = appeal.version
    actions.do_change_organisation(appeal.pk, staff["moderator"], factories.organisation("uad"))
    event = actions.do_add_comment(appeal.pk, staff["curator"], "Проверьте адрес")
    appeal.refresh_from_db()
    assert not event.is_public and event.kind == EventKind.COMMENT
    assert appeal.version == version + 1


def test_actions_are_audited_with_the_address(staff):
    appeal = message(Status.ON_MODERATION)
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    with audit.address_of(request):
        actions.do_pass_on_appeal(appeal.pk, staff["moderator"])
    record = AuditRecord.objects.get(appeal=appeal)
    assert (record.what, record.actor, record.address) == ("pass_on", staff["moderator"],
                                                           "10.1.2.3")
    assert record.data["from"] == "on_moderation" and record.data["to"] == "sent_to_organisation"


def test_the_curator_returns_a_weak_answer_and_reopens(staff):
    executor = staff["executor"]
    appeal = message(Status.ANSWERED, executor=executor)
    actions.do_return_for_rework(appeal.pk, staff["curator"], "Отписка", "formality")
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK
    assert Notification.objects.filter(recipient=executor, template="returned_for_rework",
                                       appeal=appeal).exists()
    closed = message(Status.CLOSED, executor=executor)
    actions.do_reopen_appeal(closed.pk, staff["curator"], "Оценка 1")
    closed.refresh_from_db()
    assert closed.status == Status.IN_WORK


def test_a_reopened_message_gets_a_new_deadline_and_the_citizen_is_told(staff):
    appeal = message(Status.CLOSED, executor=staff["executor"])
    old_deadline = appeal.deadline
    before = timezone.now()
    actions.do_reopen_appeal(appeal.pk, staff["curator"], "Оценка 1")
    appeal.refresh_from_db()
    expected = hooks_for(appeal.region).appeal_deadline(appeal=appeal, start=before).due_at
    # Counted from the moment of reopening: the same as from `before`, to the minute.
    assert abs((appeal.deadline - expected).total_seconds()) < 60
    assert appeal.deadline != old_deadline and appeal.deadline > before
    deadline_events = appeal.events.filter(kind=EventKind.DEADLINE_CHANGED)
    assert deadline_events.count() == 1 and deadline_events.get().is_public
    told = Notification.objects.get(appeal=appeal, template="appeal_reopened")
    assert told.recipient == appeal.citizen
    subject, body = render(told)
    assert appeal.number in subject and "Оценка 1" in body


def test_a_plugin_event_is_recorded_by_the_core_without_changing_the_message(staff):
    appeal = message(Status.ANSWERED, executor=staff["executor"])
    version = appeal.version
    seen = []

    class Listener:
        @hookimpl
        def appeal_transitioned(self, appeal, event):
            seen.append(event.kind)

    pm = build_plugin_manager(load_entry_points=False)
    pm.register(Listener(), name="listener")
    with mock.patch("cms.workflow.actions.hooks_for", lambda region: hooks_for(region, pm)):
        event = actions.do_record_event(appeal.pk, None, "example_noted", reason="!",
                                        data={"score": 5}, public=True)
    appeal.refresh_from_db()
    assert (appeal.version, appeal.status) == (version, Status.ANSWERED)
    assert (event.kind, event.data, event.is_public) == ("example_noted", {"score": 5}, True)
    assert seen == ["example_noted"]
    assert AuditRecord.objects.filter(appeal=appeal, what="example_noted").exists()
