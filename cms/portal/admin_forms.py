"""The page editor's form for submission pages: file types as checkboxes, and the
attachment limits held to what one request may carry."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import WagtailAdminFormPageForm

from cms.submission.uploads import FILE_TYPES


class SubmissionPageAdminForm(WagtailAdminFormPageForm):
    file_types = forms.MultipleChoiceField(
        label=_("allowed file types"),
        choices=[(code, spec.label) for code, spec in FILE_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        count, size = cleaned.get("max_files"), cleaned.get("max_file_size_mb")
        limit = settings.POS_MAX_FILES_TOTAL_MB
        if count and size and count * size > limit:
            self.add_error(
                "max_file_size_mb",
                _(
                    "All files of one message together may take up to %(limit)s MB: "
                    "%(count)s files of %(size)s MB is too much. Lower the number "
                    "of files or their size."
                )
                % {"limit": limit, "count": count, "size": size},
            )
        return cleaned
