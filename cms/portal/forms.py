"""The citizen's forms on the portal beside the submission form (`cms.submission.forms`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.submission.forms import TEXT_MAX_LENGTH


class ClarificationAnswerForm(forms.Form):
    """The citizen's answer to a clarifying question; `version` guards a stale page."""

    text = forms.CharField(
        label=_("Your answer"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your answer.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
