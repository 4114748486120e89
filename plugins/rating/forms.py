"""The citizen's rating form: a 1–5 choice of radio buttons, the "solved?" question for
low scores, an optional comment. It works without JavaScript: the "solved?" question is
always shown, says it is asked for low scores, and is dropped for a higher score."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import COMMENT_MAX_LENGTH, MAX_SCORE, MIN_SCORE, Solved

SCORE_WORDS = {
    1: _("very poor"),
    2: _("poor"),
    3: _("fair"),
    4: _("good"),
    5: _("excellent"),
}


def score_choices() -> list[tuple[int, str]]:
    # The stars are decoration: the number and the word are what is read out.
    return [(score, format_html('<span class="stars" aria-hidden="true">{}{}</span> {} — {}',
                                "★" * score, "☆" * (MAX_SCORE - score), score,
                                SCORE_WORDS[score]))
            for score in range(MIN_SCORE, MAX_SCORE + 1)]


class RatingForm(forms.Form):
    """`threshold` is the region's low-score threshold; `version` guards a stale page
    (`services.rating_version`)."""

    score = forms.TypedChoiceField(
        label=_("Your score of the answer"), coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5."),
                        "invalid_choice": _("Choose a score from 1 to 5.")},
    )
    solved = forms.ChoiceField(
        label=_("Was the problem solved?"), choices=Solved.choices, required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Say whether the problem was solved.")},
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, threshold: int, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "rating_%s")  # unique beside the page's other forms
        super().__init__(*args, **kwargs)
        self.threshold = threshold
        self.fields["score"].choices = score_choices()
        self.fields["solved"].help_text = ngettext(
            "Answer it if your score is %(threshold)d.",
            "Answer it if your score is %(threshold)d or lower.",
            threshold) % {"threshold": threshold}
        self.fields["comment"].help_text = ngettext(
            "Optional, up to %(limit)d character.", "Optional, up to %(limit)d characters.",
            COMMENT_MAX_LENGTH) % {"limit": COMMENT_MAX_LENGTH}

    def clean(self):
        cleaned = super().clean()
        score = cleaned.get("score")
        if score is None:
            return cleaned
        if score > self.threshold:
            cleaned["solved"] = ""  # not asked for this score
        elif not cleaned.get("solved") and "solved" not in self.errors:
            self.add_error("solved", _("Say whether the problem was solved."))
        return cleaned
