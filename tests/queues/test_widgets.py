"""QuickSelect writes the same markup as Django's Select, in Python."""

from __future__ import annotations

import pytest
from django import forms

from cms.staff_admin.widgets import QuickSelect

CHOICES = [
    ("", "---------"),
    ("Дороги", [(1, "Яма <на> дороге"), (2, 'Знак "Стоп"')]),
    (3, "Прочее & другое"),
]


def normalised(html: str) -> str:
    """Django's template puts each option on its own line; the markup is otherwise equal."""
    return "".join(line.strip() for line in html.splitlines())


@pytest.mark.parametrize("value", [None, "", 2, 3, "<script>"])
def test_quick_select_renders_what_select_renders(value):
    attrs = {"id": "id_pick", "required": True, "disabled": False, "data-x": 'a"b'}
    expected = forms.Select(choices=CHOICES).render("pick", value, attrs)
    rendered = QuickSelect(choices=CHOICES).render("pick", value, attrs)
    assert normalised(rendered) == normalised(expected)
    assert "<optgroup" in rendered and "&lt;на&gt;" in rendered


def test_a_form_with_quick_select_keeps_the_chosen_option():
    class Pick(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=QuickSelect)

    form = Pick({"pick": "2"})
    assert form.is_valid()
    assert '<option value="2" selected>' in str(form["pick"])
    assert str(form["pick"]).count("selected") == 1
