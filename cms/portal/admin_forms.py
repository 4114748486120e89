"""The page editor's form for submission pages: file types as checkboxes."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import WagtailAdminFormPageForm

from .uploads import FILE_TYPES


class SubmissionPageAdminForm(WagtailAdminFormPageForm):
    file_types = forms.MultipleChoiceField(
        label=_("allowed file types"),
        choices=[(code, spec.label) for code, spec in FILE_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
