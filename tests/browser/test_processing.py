"""One message through the whole chain in the admin, in a real browser, with the demo
roles: the moderator passes it on, the coordinator assigns it, the executor answers (with a
file), the head returns it once with remarks, the executor fixes it, the head approves;
then the citizen reads the answer on their message page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from cms.models import Answer, AttachmentKind, Status
from cms.notifications.workflow import citizen_link
from cms.submission.registration import NewAppeal, do_register_appeal
from tests import factories
from tests.browser.staff_steps import as_user, browse_as, open_from_queue, with_password

DEMO_ROLES = ("moderator", "coordinator", "executor", "head")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo_roles(demo):
    return with_password(DEMO_ROLES)


@pytest.fixture
def registered(demo):
    author = factories.user("browser-citizen", email="citizen@example.org",
                            first_name="Иван", last_name="Петров")
    sub = factories.subcategory("04.03")
    appeal, _ = do_register_appeal(NewAppeal(
        region=demo, citizen=author, category=sub.category, subcategory=sub,
        territory=factories.territory("gorsk"),
        text="На детской площадке сломаны качели, торчат болты."))
    return appeal


def act(page, action, fill=None):
    form = page.locator(f"form[data-action={action}]")
    for name, value in (fill or {}).items():
        field = form.locator(f"[name={action}-{name}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_one_message_through_the_whole_chain(page, live_server, admin_login, demo_roles,
                                            registered, tmp_path):
    appeal = registered

    as_user(page, admin_login, "moderator")
    open_from_queue(page, live_server, "moderation", appeal)
    if appeal.organisation.code != "adm-gorsk":
        act(page, "change_organisation", {"organisation": "Администрация г.о. Горск"})
    act(page, "pass_on", {"note": "Детская площадка: срочно"})
    appeal.refresh_from_db()
    assert appeal.status == Status.SENT_TO_ORGANISATION

    as_user(page, admin_login, "coordinator")
    open_from_queue(page, live_server, "inbox", appeal)
    act(page, "assign_executor", {"executor": "Дмитрий Соколов"})
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK and appeal.executor.username == "executor"

    as_user(page, admin_login, "executor")
    open_from_queue(page, live_server, "mine", appeal)
    act_file = tmp_path / "акт.pdf"
    act_file.write_bytes(PDF)
    page.locator("form[data-action=submit_answer] [name=submit_answer-files]").set_input_files(
        str(act_file))
    act(page, "submit_answer", {"text": "Качели демонтируем."})
    appeal.refresh_from_db()
    assert appeal.status == Status.ON_APPROVAL

    as_user(page, admin_login, "head")
    open_from_queue(page, live_server, "approval", appeal)
    act(page, "return_to_executor", {"remarks": "Укажите срок установки новых качелей."})
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_WORK

    as_user(page, admin_login, "executor")
    open_from_queue(page, live_server, "mine", appeal)
    assert "Укажите срок установки новых качелей." in page.content()
    form = page.locator("form[data-action=submit_answer]")
    assert form.locator("[name=submit_answer-text]").input_value() == "Качели демонтируем."
    assert form.locator("[name=submit_answer-keep_files]").is_checked()
    act(page, "submit_answer", {"text": "Качели демонтированы, новые установим до 1 июня."})

    as_user(page, admin_login, "head")
    open_from_queue(page, live_server, "approval", appeal)
    act(page, "approve_answer")
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    answer = Answer.objects.get(appeal=appeal, is_published=True)
    assert answer.text == "Качели демонтированы, новые установим до 1 июня."
    assert [f.original_name for f in answer.files.filter(kind=AttachmentKind.ANSWER)] == [
        "акт.pdf"]
    history = page.locator("[data-timeline]").inner_text()
    assert "Укажите срок установки новых качелей." in history

    # The citizen reads the answer on their message page.
    url = citizen_link(appeal)
    if not url:
        pytest.fail("The citizen's message page (portal) is not there to check.")
    browse_as(page, live_server, appeal.citizen)
    page.goto(f"{live_server.url}{urlsplit(url).path}")
    assert "Качели демонтированы, новые установим до 1 июня." in page.content()
    assert "акт.pdf" in page.content()
