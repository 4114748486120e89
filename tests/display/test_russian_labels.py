"""Russian done properly in the admin: whole phrases that agree in gender and case, counts
in Russian's plural forms, ASCII menu names, translated yes/no icons, and the login page.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cms.models import Notification, StaffMembership
from tests.display.test_english_scan import (
    SUPERUSER,
    demo_world,  # noqa: F401 - a fixture of the messages' tests below
    menu_entries,
    sidebar_props,
)


@pytest.fixture(autouse=True)
def _operator(demo):
    if not get_user_model().objects.filter(username=SUPERUSER).exists():
        get_user_model().objects.create_superuser(SUPERUSER, "root@demo-oblast.example",
                                                  "pw")


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian's plural rule, written here independently of the catalogue."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def page_text(response) -> str:
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def count_label(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(soup.select_one(".pagination__end").get_text().split())


@pytest.mark.parametrize("username", ["editor", "curator", "moderator", SUPERUSER])
def test_every_menu_item_has_an_ascii_name(username):
    html = client_of(username).get("/admin/").content.decode()
    names = [entry["name"] for entry in
             menu_entries(sidebar_props(BeautifulSoup(html, "html.parser")))
             if isinstance(entry.get("name"), str)]
    assert names
    bad = [name for name in names if not re.fullmatch(r"[a-z0-9_-]+", name)]
    assert not bad, bad


@pytest.mark.parametrize(("url", "phrase", "wrong"), [
    ("/admin/oversight/rejection-reasons/", "Добавить причину отклонения",
     "Добавить причина"),
    ("/admin/oversight/rejection-reasons/create/", "Новая причина отклонения",
     "Новый Причина"),
    ("/admin/routing/routingrule/create/", "Новое правило маршрутизации",
     "Новый Правило"),
    ("/admin/fasttrack/fasttrack/create/", "Новый быстрый трек", "Новый Быстрый"),
    ("/admin/fasttrack/calendaramendment/", "Добавить поправку к календарю",
     "Добавить поправка"),
    ("/admin/cms/region/edit/1/", "Изменение региона", "Редактирование регион"),
])
def test_add_new_and_edit_titles_are_whole_phrases(url, phrase, wrong):
    text = page_text(client_of("editor").get(url))
    assert phrase in text
    assert wrong not in text


def test_a_saved_row_is_announced_in_its_gender(demo):
    client = client_of("editor")
    response = client.post("/admin/fasttrack/calendaramendment/create/", {
        "region": demo.pk, "date": "2027-03-09", "is_working_day": "",
        "note": "Перенос выходного"}, follow=True)
    assert "Поправка к календарю «2027-03-09: Перенос выходного» создана." in page_text(
        response)


@pytest.mark.usefixtures("demo_world")
def test_an_empty_list_and_the_back_link_name_no_model():
    client = client_of("editor")
    text = page_text(client.get("/admin/oversight/failed/"))
    assert "Здесь пока ничего нет" in text and "ни одного" not in text
    notification = Notification.objects.order_by("pk").first()
    text = page_text(client.get(f"/admin/oversight/outbox/inspect/{notification.pk}/"))
    assert "Вернуться к списку" in text and "списку уведомление" not in text
    assert "Уведомление подробно" in text


@pytest.mark.usefixtures("demo_world")
def test_list_counts_use_the_plural_forms():
    client = client_of("editor")
    memberships = StaffMembership.objects.count()
    assert count_label(client.get("/admin/cms/staffmembership/")) == plural(
        memberships, f"{memberships} назначение сотрудника",
        f"{memberships} назначения сотрудников", f"{memberships} назначений сотрудников")
    assert count_label(client.get("/admin/cms/region/")) == "1 регион"
    assert count_label(client.get("/admin/oversight/failed/")) == "0 уведомлений"
    response = client_of("moderator").get("/admin/queues/moderation/")
    count = int(count_label(response).split()[0])
    assert count_label(response) == plural(count, f"{count} сообщение",
                                           f"{count} сообщения", f"{count} сообщений")


def test_fast_track_terms_are_counted_in_words():
    soup = BeautifulSoup(client_of("editor").get("/admin/fasttrack/fasttrack/").content,
                         "html.parser")
    cells = " ".join(" ".join(cell.get_text().split()) for cell in soup.select("td"))
    assert "2 рабочих дня" in cells and "24 рабочих часа" in cells
    assert "рабочие дни" not in cells and "рабочие часы" not in cells


def test_menu_labels_are_written_as_they_are_not_title_cased():
    html = client_of("editor").get("/admin/").content.decode()
    labels = [entry["label"] for entry in
              menu_entries(sidebar_props(BeautifulSoup(html, "html.parser")))]
    assert "Назначения сотрудников" in labels
    assert "Назначения Сотрудников" not in labels


@pytest.mark.usefixtures("demo_world")
def test_outbox_names_its_emails_and_columns_in_russian():
    text = page_text(client_of("editor").get("/admin/oversight/outbox/"))
    assert "Сообщение зарегистрировано" in text
    assert "appeal_registered" not in text and "State label" not in text


def test_yes_no_icons_have_russian_alternative_texts():
    soup = BeautifulSoup(client_of("editor").get("/admin/fasttrack/fasttrack/").content,
                         "html.parser")
    alts = {img.get("alt") for img in soup.select("img[src*='icon-']")}
    assert alts and alts <= {"да", "нет", "неизвестно"}


def test_the_admin_login_page_is_in_russian():
    text = page_text(Client().get(reverse("wagtailadmin_login")))
    assert "Пароль" in text and "Вход в ПОС" in text
    assert "Password" not in text and "Войти в Wagtail" not in text
