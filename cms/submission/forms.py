"""The submission form: fixed core fields, plus the page's extra questions.

One message = one problem = one addressee: one category, one subcategory, one territory,
one text. The subcategory list holds only the chosen category's subcategories, so the
form works without JavaScript (a "show subcategories" button posts the form back); the
script only makes that instant.

Files that passed their checks on a post that failed are held for the next try
(`cms.submission.held_uploads`); `keep_files` lists them, ticked, and counts them with the
new files against the page's limits.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.contrib.forms.forms import FormBuilder

from cms.models import Category, Subcategory, Territory

from .held_uploads import as_clean_file, held_for
from .uploads import accept_extensions, check_file

TEXT_MAX_LENGTH = 5000
ADDRESS_MAX_LENGTH = 500
EXTRA_PREFIX = "extra__"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaning of each is left to the form (page rules)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class InMemoryChoiceIterator(forms.models.ModelChoiceIterator):
    """The field's objects as choices, from the list in hand (no query, and no queryset
    built: Django's iterator reads `field.queryset` when it is made)."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects)


class InMemoryChoiceField(forms.ModelChoiceField):
    """A model choice among objects already read (the page's `form_choices`): showing and
    cleaning it costs no query. `queryset` still names the same rows, for code that
    filters it; it is built the first time it is asked for (a submit never asks)."""

    iterator = InMemoryChoiceIterator
    objects: tuple = ()
    _by_pk: dict = {}  # noqa: RUF012 (replaced per instance by offer())
    model = None
    _make_queryset = None

    def offer(self, model, make_queryset, objects) -> None:
        """Offer `objects` (of `model`); `make_queryset()` names them in SQL."""
        self.model = model
        self.objects = tuple(objects)
        self._by_pk = {str(obj.pk): obj for obj in self.objects}
        self._make_queryset = make_queryset
        self._queryset = None
        self.widget.choices = self.choices

    def _get_queryset(self):
        if self._queryset is None and self._make_queryset is not None:
            self._queryset = self._make_queryset()
        return self._queryset

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.model is not None and isinstance(value, self.model):
            value = value.pk
        obj = self._by_pk.get(str(value))
        if obj is None:
            raise ValidationError(self.error_messages["invalid_choice"],
                                  code="invalid_choice", params={"value": value})
        return obj


class CategoryChoiceField(InMemoryChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class TerritoryChoiceField(InMemoryChoiceField):
    def label_from_instance(self, obj):
        # The tree shown by indentation; a screen reader reads the name alone.
        return "\u00a0\u00a0" * (obj.depth - 1) + obj.name


class AppealForm(forms.Form):
    """The core fields, built per page: `page` gives categories, rules, questions."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    subcategory = InMemoryChoiceField(
        label=_("Subcategory"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={
            "invalid_choice": _("Choose a subcategory of the chosen category.")
        },
    )
    territory = TerritoryChoiceField(
        label=_("Municipality or district"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": _("Choose a place in this region.")},
    )
    address = forms.CharField(
        label=_("Address or description of the place"),
        max_length=ADDRESS_MAX_LENGTH,
        required=False,
        help_text=_("Street and house, or a landmark: where exactly the problem is."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
    )
    text = forms.CharField(
        label=_("Your message"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One message is about one problem. Describe what happened, where and "
            "when, and what you expect. Several problems? Send several messages."
        ),
        error_messages={"required": _("Write your message.")},
    )
    keep_files = forms.MultipleChoiceField(
        label=_("Files already attached"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kept from your previous try. Untick a file to leave it out."),
    )
    files = MultipleFileField(label=_("Photos and files"), required=False)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data"),
        error_messages={
            "required": _("Without your consent the message cannot be sent.")
        },
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, page, citizen=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.page = page
        # New files that passed their checks, set by clean_files: held if the form fails.
        self.checked_uploads = []
        self.files_not_kept = 0
        self.citizen = citizen
        self.page_choices = choices = page.form_choices()
        region = page.region
        categories = choices.categories
        self.fields["category"].offer(
            Category,
            lambda: Category.objects.filter(pk__in=[item.pk for item in categories]),
            categories)
        self.fields["territory"].offer(
            Territory,
            lambda: Territory.objects.filter(region=region).order_by("path")
            if region else Territory.objects.none(),
            choices.territories)
        chosen = self._chosen_category()
        self.fields["subcategory"].offer(
            Subcategory,
            lambda: self._subcategories_for(chosen),
            choices.subcategories.get(chosen.pk, ()) if chosen is not None else ())
        # Only a key that came back from the citizen can have files held under it.
        self.form_key = self._posted_form_key()
        if self.form_key is None and not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4()
        self.held = []
        self.held_offered = False
        files = self.fields["files"]
        if page.max_files == 0 or not page.allowed_file_types:
            del self.fields["files"]
            del self.fields["keep_files"]
        else:
            # A post that names no kept file needs none: they are listed only when the
            # form is shown again (`offer_held_files`).
            if not self.is_bound or "keep_files" in self.data:
                self.offer_held_files()
            files.widget.attrs.update(self._file_limit_attrs())
            files.help_text = _(
                "Up to %(count)s files, each up to %(size)s: %(types)s."
            ) % {
                "count": page.max_files,
                "size": filesizeformat(page.max_file_size),
                "types": ", ".join(str(t) for t in self._type_labels()),
            }
        self.extra_field_names = []
        for clean_name, field in FormBuilder(choices.extra_fields).formfields.items():
            name = EXTRA_PREFIX + clean_name
            self.fields[name] = field
            self.extra_field_names.append(name)
        # Core fields first, the editor's questions next, consent and key last.
        order = [n for n in self.fields if n not in ("consent", "idempotency_key")]
        self.order_fields(order + ["consent", "idempotency_key"])

    def _posted_form_key(self) -> uuid.UUID | None:
        value = (
            self.data.get("idempotency_key")
            if self.is_bound
            else self.initial.get("idempotency_key")
        )
        try:
            return uuid.UUID(str(value)) if value else None
        except ValueError:
            return None

    def offer_held_files(self) -> None:
        """List the files held for this form (unticked), once."""
        if self.held_offered or "keep_files" not in self.fields:
            return
        self.held_offered = True
        if self.citizen is not None and self.form_key is not None:
            self.add_held(held_for(self.citizen, self.form_key), ticked=False)

    def add_held(self, rows, *, ticked=True) -> None:
        """Offer held files under `keep_files`; `ticked` ones come back chosen."""
        self.held.extend(rows)
        self.fields["keep_files"].choices = [
            (str(held.token), f"{held.original_name} ({filesizeformat(held.size)})")
            for held in self.held
        ]
        if not ticked or not rows:
            return
        tokens = [str(held.token) for held in rows]
        if self.is_bound:
            self.data = self.data.copy()
            for token in tokens:
                self.data.appendlist("keep_files", token)
        else:
            self.initial["keep_files"] = [*self.initial.get("keep_files", []), *tokens]

    def _file_limit_attrs(self) -> dict:
        """The page's rules on the file input: the script checks them before sending,
        so a too large choice is refused in the browser, with nothing lost."""
        limit = filesizeformat(self.page.max_file_size)
        return {
            "accept": accept_extensions(self.page.allowed_file_types),
            "data-max-files": self.page.max_files,
            "data-max-size": self.page.max_file_size,
            "data-too-many": ngettext("Attach at most %(count)s file.",
                                      "Attach at most %(count)s files.",
                                      self.page.max_files) % {"count": self.page.max_files},
            "data-too-large": _("“%(name)s” is larger than %(limit)s.")
            % {"name": "{name}", "limit": limit},
        }

    def _type_labels(self):
        from .uploads import FILE_TYPES

        return [FILE_TYPES[code].label for code in self.page.allowed_file_types]

    def _chosen_category(self):
        value = (
            self.data.get("category") if self.is_bound else self.initial.get("category")
        )
        if not value:
            return None
        return self.fields["category"]._by_pk.get(str(getattr(value, "pk", value)))

    @property
    def photo_required(self) -> bool:
        """Whether the chosen subcategory asks for a photo: the files field is marked
        required before sending (the script updates the mark; `clean` still checks)."""
        value = (
            self.data.get("subcategory") if self.is_bound else self.initial.get("subcategory")
        )
        chosen = self.fields["subcategory"]._by_pk.get(str(getattr(value, "pk", value)))
        return chosen is not None and chosen.photo_required

    @staticmethod
    def _subcategories_for(category):
        if category is None:
            return Subcategory.objects.none()
        return Subcategory.objects.filter(category=category).order_by(
            "position", "code"
        )

    @property
    def chosen_category(self):
        return self._chosen_category()

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write your message."), code="required")
        return text

    def clean_keep_files(self):
        tokens = set(self.cleaned_data.get("keep_files") or [])
        return [held for held in self.held if str(held.token) in tokens]

    def clean_files(self):
        """New files checked, plus the kept ones: together within the page's limits."""
        files = self.cleaned_data.get("files") or []
        kept = self.cleaned_data.get("keep_files") or []
        if len(files) + len(kept) > self.page.max_files:
            raise ValidationError(
                ngettext("Attach at most %(count)s file.", "Attach at most %(count)s files.",
                         self.page.max_files),
                params={"count": self.page.max_files},
                code="too_many_files",
            )
        errors, clean = [], []
        for upload in files:
            try:
                clean.append(
                    check_file(
                        upload, self.page.allowed_file_types, self.page.max_file_size
                    )
                )
            except ValidationError as error:
                errors.extend(error.error_list)
        self.checked_uploads = clean
        if errors:
            raise ValidationError(errors)
        return self._read_kept(kept) + clean

    @staticmethod
    def _read_kept(kept) -> list:
        files, errors = [], []
        for held in kept:
            try:
                files.append(as_clean_file(held))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        subcategory = cleaned.get("subcategory")
        if subcategory is not None and subcategory.photo_required:
            if not any(f.is_image for f in cleaned.get("files") or []):
                message = _("For this subcategory a photo is required.")
                if "files" in self.fields:
                    self.add_error("files", message)
                else:
                    self.add_error("subcategory", message)
        return cleaned

    def extra_answers(self) -> dict:
        """The answers to the page's questions, with their labels as asked."""
        answers = {}
        for name in self.extra_field_names:
            value = self.cleaned_data.get(name)
            answers[name.removeprefix(EXTRA_PREFIX)] = {
                "label": str(self.fields[name].label),
                "value": _json_value(value),
            }
        return answers

    def extra_bound_fields(self):
        return [self[name] for name in self.extra_field_names]


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return value
