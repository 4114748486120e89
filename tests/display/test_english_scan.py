"""No English on the pages people see: every admin page each demo role's menu reaches (and
each list's first "add", "edit" and "inspect" page, and the first message it lists), and
the citizen's pages, rendered in Russian, show no English word outside a short allow-list.

Visible text is the rendered HTML's text nodes (not <script>, <style> or <template>), the
title, alt, placeholder and aria-label attributes, a button's value, and the menu's labels
(the sidebar is drawn from JSON). Data is not wording: the codes, usernames, e-mail
addresses, numbers and English names stored in the database are taken out first, and so
are URLs, addresses and file names.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Comment, Doctype
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils.text import capfirst
from wagtail.models import Collection, Page, Site, Task, Workflow

from cms.kernel.plugins import switchable_plugins
from cms.models import (
    Appeal,
    Attachment,
    Category,
    Organisation,
    Region,
    Subcategory,
    Territory,
)
from cms.portal.demo import create_demo_pages
from cms.portal.models import SubmissionPage
from cms.workflow.demo import seed_demo_messages
from tests.workflow.builders import DEMO_STAFF, citizen

# Words a Russian reader meets as they are: file formats, abbreviations, brand names.
ALLOWED_WORDS = {
    "CSV", "XLSX", "PDF", "JPEG", "JPG", "PNG", "HEIC", "URL", "ID", "API", "IP", "HTML",
    "JavaScript", "OpenID", "Connect",
    "English",  # the language's own name in the language switch
}
# Texts Wagtail 8.0's templates write without its catalogue (an aria-label, a hidden
# button, a boolean or None printed as it is, list columns named after attributes on the
# operator's "Sites" page): no translation reaches them. Matched as whole texts only.
WAGTAIL_UNTRANSLATABLE = {"Actions", "Search", "True", "None", "Page", "Port", "Site name",
                          "Root page", "Сортировка по Port в порядке возрастания.",
                          "Сортировка по Port в порядке убывания."}
# The CMS's own page tree and sites, reached by the platform operator alone: Wagtail's
# templates there print counts and its name without a catalogue entry to reword.
WAGTAIL_OPERATOR_PAGES = ("/admin/pages/", "/admin/sites/")
ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
NOT_WORDING = [
    re.compile(r"https?://\S+"),
    re.compile(r"\S+@\S+"),  # e-mail addresses
    re.compile(r"\be-mail\b", re.IGNORECASE),
    re.compile(r"[\w/-]*\.(?:jpe?g|png|heic|pdf|xlsx|csv|txt)\b", re.I),  # file names
    re.compile(r"\b[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\b"),  # host names, dotted identifiers
]
# Not wording: code to copy, and what a page marks as not to be translated.
NOT_TEXT = ["script", "style", "template", "code", "pre", "kbd", "samp"]

SUPERUSER = "scan-superuser"
CITIZEN = "citizen"


# --- what is visible ---------------------------------------------------------------------


def visible_texts(html: str) -> list[str]:
    """The text a person sees (or hears from a screen reader) on a rendered page."""
    soup = BeautifulSoup(html, "html.parser")
    texts = [*menu_labels(soup)]
    for tag in [*soup(NOT_TEXT), *soup.find_all(attrs={"translate": "no"})]:
        tag.decompose()
    texts += [str(node) for node in soup.find_all(string=True)
              if not isinstance(node, (Comment, Doctype))]
    for tag in soup.find_all(True):
        texts += [tag[name] for name in ATTRIBUTES if tag.has_attr(name)]
        if tag.name == "input" and tag.get("type") in ("submit", "button", "reset"):
            texts.append(tag.get("value", ""))
    return [text for text in texts if text.strip()]


def sidebar_props(soup) -> dict | None:
    script = soup.find("script", id="wagtail-sidebar-props")
    return json.loads(script.string) if script else None


def menu_entries(node):
    """Every item of the admin's sidebar (telepath-packed JSON): dicts with a label."""
    if isinstance(node, dict):
        if "label" in node:
            yield node
        for value in node.values():
            yield from menu_entries(value)
    elif isinstance(node, list):
        for value in node:
            yield from menu_entries(value)


def menu_labels(soup) -> list[str]:
    props = sidebar_props(soup)
    return [entry["label"] for entry in menu_entries(props)] if props else []


def data_words() -> set[str]:
    """Identifiers and names stored as data: shown as they are, not wording."""
    words: set[str] = set()
    for model in (Region, Organisation, Territory, Category, Subcategory):
        words.update(model.objects.values_list("code", flat=True))
    for model in (Region, Category, Subcategory):
        words.update(model.objects.exclude(name_en="").values_list("name_en", flat=True))
    words.update(Appeal.objects.values_list("number", flat=True))
    words.update(Attachment.objects.values_list("original_name", flat=True))
    words.update(get_user_model().objects.values_list("username", flat=True))
    # What Wagtail's own migrations and the demo's site store: the operator renames them.
    for model, field in ((Group, "name"), (Permission, "name"), (Page, "title"),
                         (Collection, "name"), (Site, "hostname"), (Site, "site_name"),
                         (Workflow, "name"), (Task, "name")):
        words.update(model.objects.values_list(field, flat=True))
    words.update(plugin.name for plugin in switchable_plugins())
    words.update(zoneinfo.available_timezones())
    words.update(example_plugin_words())
    if apps.is_installed("plugins.routing"):
        from plugins.routing.models import RoutingRule

        words.update(RoutingRule.objects.values_list("code", flat=True))
    return {word for word in words if word}


def example_plugin_words() -> set[str]:
    """The labels of the suite's own example plugin: a test plugin has no catalogue."""
    if not apps.is_installed("tests.example_plugin"):
        return set()
    from tests.example_plugin import events, plugin, queues, reports

    words = {queues.QUEUE_LABEL, queues.MENU_LABEL, queues.REGION_COLUMN.label,
             queues.EXPORT_COLUMN.label, str(plugin.verbose_name)}
    words.update(kind.label for kind in events.event_kinds())
    words.update(str(dataset.label) for dataset in reports.report_datasets() or ())
    words.update(f"region:{code}" for code in Region.objects.values_list("code", flat=True))
    for model in apps.get_app_config("example_plugin").get_models():
        words.update(capfirst(str(name)) for name in (
            model._meta.verbose_name, model._meta.verbose_name_plural,
            *(field.verbose_name for field in model._meta.get_fields()
              if hasattr(field, "verbose_name"))))
        words.update(str(field.default) for field in model._meta.get_fields()
                     if isinstance(getattr(field, "default", None), str))
    return words


def data_pattern() -> re.Pattern:
    identifiers = sorted(data_words(), key=len, reverse=True)
    return re.compile("|".join(re.escape(identifier) for identifier in identifiers),
                      re.IGNORECASE)


def english_words(texts: list[str], data: re.Pattern) -> dict[str, str]:
    """Each English word found, with the text it was seen in."""
    found = {}
    for text in texts:
        if text.strip() in WAGTAIL_UNTRANSLATABLE:
            continue
        seen = text
        for pattern in NOT_WORDING:
            seen = pattern.sub(" ", seen)
        seen = data.sub(" ", seen)
        for word in LATIN_WORD.findall(seen):
            if word not in ALLOWED_WORDS:
                found.setdefault(word, " ".join(text.split())[:80])
    return found


# --- where people go ---------------------------------------------------------------------


def example_plugin_urls() -> set[str]:
    """The example plugin's own admin page (its text is the test's, in English)."""
    if not apps.is_installed("tests.example_plugin"):
        return set()
    from tests.example_plugin import queues

    return {reverse(queues.ADMIN_URL_NAME)}


def menu_urls(html: str) -> list[str]:
    props = sidebar_props(BeautifulSoup(html, "html.parser"))
    urls = [entry.get("url") for entry in menu_entries(props)] if props else []
    skipped = example_plugin_urls()
    return [url for url in urls if url and url.startswith("/admin/")
            and "logout" not in url and url not in skipped
            and not url.startswith(WAGTAIL_OPERATOR_PAGES)]


def pattern_of(url: str) -> str:
    """One page per kind: numbers stand for any object."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def links_from_list(list_url: str, html: str) -> list[str]:
    """A list's first "add", "edit" and "inspect" link, and the first message it lists."""
    base = urlsplit(list_url).path
    kinds = [
        re.compile(rf"^{re.escape(base)}(create|add)/$"),
        re.compile(rf"^{re.escape(base)}edit/\d+/$"),
        re.compile(rf"^{re.escape(base)}inspect/\d+/$"),
        re.compile(r"^/admin/messages/\d+/$"),
    ]
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    hrefs = [urlsplit(a["href"]).path for a in main.find_all("a", href=True)]
    found = []
    for kind in kinds:
        first = next((href for href in hrefs if kind.match(href)), None)
        if first:
            found.append(first)
    return found


def staff_pages(client) -> dict[str, str]:
    """Every page the user's menu reaches, and the pages one click into its lists."""
    pages: dict[str, str] = {}
    seen: set[str] = set()

    def visit(url: str) -> str | None:
        if pattern_of(url) in seen:
            return None
        seen.add(pattern_of(url))
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        pages[url] = html
        return html

    home = visit("/admin/")
    for url in menu_urls(home):
        html = visit(url)
        if html is None:
            continue
        for link in links_from_list(url, html):
            visit(link)
    return pages


def pages_at(client, urls) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        pages[url] = response.content.decode()
    return pages


def citizen_pages(client) -> dict[str, str]:
    appeal = Appeal.objects.filter(citizen__username=CITIZEN).order_by("pk").first()
    urls = ["/", SubmissionPage.objects.live().first().url,
            reverse("portal:my_messages"),
            reverse("portal:message", args=[appeal.public_id])]
    return pages_at(client, urls)


# --- the scan ----------------------------------------------------------------------------


@pytest.fixture
def demo_world(demo):
    """The demo as `seed_demo` leaves it: the citizen's messages in every status, the
    portal pages, and a platform operator."""
    citizen(CITIZEN, "citizen@demo-oblast.example")
    seed_demo_messages(demo)
    create_demo_pages(demo)
    if not get_user_model().objects.filter(username=SUPERUSER).exists():
        get_user_model().objects.create_superuser(SUPERUSER, "root@demo-oblast.example",
                                                  "pw")
    return demo


def offending_words(pages: dict[str, str], data: re.Pattern) -> dict[str, dict]:
    return {url: words for url, html in pages.items()
            if (words := english_words(visible_texts(html), data))}


def report(found: dict[str, dict[str, str]]) -> str:
    """One line per word: where it was seen and in what text."""
    by_word = defaultdict(list)
    context = {}
    for url, words in found.items():
        for word, text in words.items():
            by_word[word].append(url)
            context.setdefault(word, text)
    return "\n".join(f"{word!r} in {context[word]!r}: {', '.join(sorted(urls))}"
                     for word, urls in sorted(by_word.items()))


@pytest.mark.parametrize("username", [*DEMO_STAFF, SUPERUSER])
def test_staff_pages_show_no_english(demo_world, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    pages = staff_pages(client)
    assert len(pages) > 2, "the menu reaches nothing"
    data = data_pattern()
    found = offending_words(pages, data)
    print(report(found))
    assert not found, f"English seen by {username}:\n{report(found)}"


def test_citizen_pages_show_no_english(demo_world):
    client = Client()
    client.force_login(get_user_model().objects.get(username=CITIZEN))
    pages = citizen_pages(client)
    data = data_pattern()
    found = offending_words(pages, data)
    print(report(found))
    assert not found, f"English seen by the citizen:\n{report(found)}"


def test_staff_login_pages_show_no_english(demo_world):
    pages = pages_at(Client(), [reverse("wagtailadmin_login"),
                                reverse("wagtailadmin_password_reset")])
    found = offending_words(pages, data_pattern())
    print(report(found))
    assert not found, f"English seen before logging in:\n{report(found)}"
