"""The rating plugin's section of the admin's "Region settings" page: it shows every
rating setting, saves them with the other sections, refuses values out of range, and is
gone for a region that switched the plugin off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plugins.rating.models import RatingSettings
from tests.workflow.builders import demo_staff

SECTION = "rating-ratingsettings"


def page_url(region) -> str:
    return f"/admin/region-settings/{region.pk}/"


@pytest.fixture
def editor(demo, client):
    client.force_login(demo_staff()["editor"])
    return client


def form_as_posted(response) -> dict:
    """What the browser would post back: every section's current values."""
    data = {}
    for section in response.context["sections"]:
        for field in section.form:
            value = field.value()
            if value is not None and value is not False:
                data[field.html_name] = value
    return data


def test_hook_region_settings_models_shows_every_rating_setting(editor, demo):
    with CaptureQueriesContext(connection) as captured:
        page = editor.get(page_url(demo)).content.decode()
    # The section costs one query, its row; the page as a whole stays small.
    table = f'FROM "{RatingSettings._meta.db_table}"'
    assert sum(table in query["sql"] for query in captured.captured_queries) == 1
    assert len(captured.captured_queries) <= 50
    assert f'data-settings-section="{SECTION}"' in page
    for name in ("low_threshold", "link_lifetime_days", "change_window_days",
                 "close_after_days", "email_text", "page_text"):
        assert f'name="{SECTION}-{name}"' in page
    # The section is titled by the model's verbose name, in the page's language.
    title = str(RatingSettings._meta.verbose_name)
    assert f">{title[0].upper()}{title[1:]}</h2>" in page


def test_the_rating_settings_are_saved_with_the_page(editor, demo):
    data = form_as_posted(editor.get(page_url(demo)))
    data.update({f"{SECTION}-low_threshold": "3", f"{SECTION}-link_lifetime_days": "10",
                 f"{SECTION}-change_window_days": "0", f"{SECTION}-close_after_days": "21",
                 f"{SECTION}-email_text": "Оцените ответ, пожалуйста.",
                 f"{SECTION}-page_text": "Ваша оценка поможет нам."})
    response = editor.post(page_url(demo), data)
    assert response.status_code == 302
    stored = RatingSettings.for_region(demo)
    assert (stored.low_threshold, stored.link_lifetime_days, stored.change_window_days,
            stored.close_after_days, stored.email_text, stored.page_text) == (
        3, 10, 0, 21, "Оцените ответ, пожалуйста.", "Ваша оценка поможет нам.")


@pytest.mark.parametrize(("name", "value"), [
    ("low_threshold", "5"),  # every score but 5 would be low: the model caps it at 4
    ("link_lifetime_days", "0"),
    ("close_after_days", "91"),
    ("email_text", "я" * 1001),
])
def test_a_value_out_of_range_is_refused_and_nothing_saved(editor, demo, name, value):
    before = RatingSettings.for_region(demo)
    data = form_as_posted(editor.get(page_url(demo)))
    data[f"{SECTION}-{name}"] = value
    response = editor.post(page_url(demo), data)
    assert response.status_code == 200
    form = {section.anchor: section.form for section in response.context["sections"]}[SECTION]
    assert name in form.errors
    after = RatingSettings.for_region(demo)
    assert getattr(after, name) == getattr(before, name)


def test_with_the_plugin_off_the_section_is_gone_and_its_row_kept(editor, demo):
    RatingSettings.objects.update_or_create(region=demo, defaults={"low_threshold": 3})
    demo.disabled_plugins = ["rating"]
    demo.save(update_fields=["disabled_plugins"])
    response = editor.get(page_url(demo))
    assert f'data-settings-section="{SECTION}"' not in response.content.decode()
    data = form_as_posted(response)
    data[f"{SECTION}-low_threshold"] = "1"
    assert editor.post(page_url(demo), data).status_code == 302
    assert RatingSettings.for_region(demo).low_threshold == 3
