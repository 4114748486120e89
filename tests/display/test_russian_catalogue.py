"""The Russian catalogue: every entry translated (none left fuzzy), every count with the
header's four forms (one, few, many, and the fourth a copy of "few"), and the placeholders
of a count kept in each form."""

from __future__ import annotations

import re

from django.conf import settings

CATALOGUE = settings.BASE_DIR / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return [block for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n")
            if "msgid " in block]


def unquoted(block: str, keyword: str) -> str:
    """The (possibly wrapped) string after `keyword` in an entry."""
    match = re.search(rf'^{re.escape(keyword)} ((?:".*"\n?)+)', block + "\n", re.M)
    return "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""


def test_the_header_has_four_plural_forms():
    header = entries()[0]
    assert "nplurals=4;" in unquoted(header, "msgstr")


def test_no_entry_is_fuzzy_or_untranslated():
    bad = []
    for block in entries()[1:]:
        if "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M):
            bad.append(unquoted(block, "msgid"))
        elif "msgid_plural" in block:
            if any(not unquoted(block, f"msgstr[{i}]") for i in range(4)):
                bad.append(unquoted(block, "msgid"))
        elif not unquoted(block, "msgstr"):
            bad.append(unquoted(block, "msgid"))
    assert not bad, bad


def test_every_count_has_four_forms_the_fourth_a_copy_of_few():
    for block in entries():
        if "msgid_plural" not in block:
            continue
        forms = [unquoted(block, f"msgstr[{i}]") for i in range(4)]
        assert forms[3] == forms[1], forms
        placeholders = set(re.findall(r"%\((\w+)\)", unquoted(block, "msgid_plural")))
        for form in forms[1:]:
            assert placeholders <= set(re.findall(r"%\((\w+)\)", form)), form
