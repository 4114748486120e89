"""Finding 11 of issue 11, the counts and the saved-row message the display tests leave
out: each count the issue quotes ("17 сообщения", "3 быстрые треки", "2 регионы") at a
number where the wrong form and the right one differ, and "Регион … обновлена" after
saving a region."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client

from cms.models import Region, Status
from plugins.fasttrack.models import FastTrack
from tests.display.test_russian_labels import count_label, plural
from tests.workflow.builders import demo_staff, message


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def many_form_at_least(n: int) -> int:
    """The first number from `n` on that takes the "many" form (5..20, 25..30, ...)."""
    while plural(n, "one", "few", "many") != "many":
        n += 1
    return n


@pytest.fixture
def staff(demo):
    return demo_staff()


def test_a_queue_of_seventeen_messages_reads_seventeen_messages(client, staff):
    moderator = staff["moderator"]
    url = "/admin/queues/moderation/"
    before = int(count_label(client_of(moderator).get(url)).split()[0])
    target = many_form_at_least(max(before + 1, 17))
    for _ in range(target - before):
        message(Status.ON_MODERATION)
    assert count_label(client_of(moderator).get(url)) == f"{target} сообщений"


def test_three_fast_tracks_read_three_fast_tracks(staff):
    shown = FastTrack.objects.filter(region__code="demo").count()
    assert shown == 3  # the demo's fasttracks.json
    label = count_label(client_of(staff["editor"]).get("/admin/fasttrack/fasttrack/"))
    assert label == "3 быстрых трека"


def test_two_regions_read_two_regions(demo):
    Region.objects.get_or_create(code="second", defaults={"name": "Вторая область"})
    operator = get_user_model().objects.create_superuser("counts-root", "r@example.org",
                                                         "x")
    count = Region.objects.count()
    label = count_label(client_of(operator).get("/admin/cms/region/"))
    assert label == plural(count, f"{count} регион", f"{count} региона",
                           f"{count} регионов")
    assert "регионы" not in label


def form_data(html: str) -> dict:
    """The edit form's fields as the browser would post them unchanged."""
    form = BeautifulSoup(html, "html.parser").select_one("main form[method=post]")
    data: dict[str, list[str]] = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "select":
            values = [option.get("value", option.get_text())
                      for option in field.select("option[selected]")]
        elif field.name == "textarea":
            values = [field.get_text()]
        elif field.get("type") in ("checkbox", "radio"):
            values = [field.get("value", "on")] if field.has_attr("checked") else []
        elif field.get("type") in ("submit", "button", "file"):
            continue
        else:
            values = [field.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def test_a_saved_region_is_announced_in_its_gender(demo, staff):
    client = client_of(staff["editor"])
    url = f"/admin/cms/region/edit/{demo.pk}/"
    unchanged = form_data(client.get(url).content.decode())
    response = client.post(url, unchanged, follow=True)
    soup = BeautifulSoup(response.content, "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert f"Регион «{demo}» сохранён." in text, text[:3000]
    assert "обновлена" not in text and "обновлено" not in text
