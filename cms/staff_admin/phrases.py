"""Whole phrases for the model admins' titles, buttons and messages.

wagtail-modeladmin composes its wording from a model's verbose name ("Add %(object)s",
"Create new %(object)s", "%(model_name)s '%(object)s' updated."), which Russian cannot
do: the name's case and the verb's gender change with the model ("Добавить причину",
"Новое правило", "Регион сохранён"). An admin that mixes in `PhrasedAdmin` names its own
phrases (`ModelPhrases`), each one msgid translated whole. An admin without phrases keeps
modeladmin's wording, which our catalogue words without the model's name
(`cms/staff_admin/wagtail_wording.py`).

The mixin also names the admin's menu item in ASCII (Wagtail would slug a Russian label
into "u041du0430..."), labels the menu with the plural as it is written (not Title
Cased), and shows yes/no columns with translated alternative texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.paginator import WagtailPaginator
from wagtail.log_actions import log
from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.views import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)


@dataclass(frozen=True)
class ModelPhrases:
    """What the admin says about one model, each phrase written whole.

    `created`, `saved` and `deleted` take `%(object)s`, the row's name."""

    add: Any = None  # the list's button: "Add a rejection reason"
    new: Any = None  # the form's title: "New rejection reason"
    editing: Any = None  # the form's title: "Editing a rejection reason"
    created: Any = None  # "Rejection reason “%(object)s” created."
    saved: Any = None  # "Rejection reason “%(object)s” saved."
    deleted: Any = None  # "Rejection reason “%(object)s” deleted."
    inspecting: Any = None  # the details page's title: "Notification details"
    # The list's size, an ngettext_lazy with "count" as its number:
    # ngettext_lazy("%(count)s rejection reason", "%(count)s rejection reasons", "count")
    count: Any = None


def phrase(view, name: str):
    """The admin's phrase `name`, or None where it has none (modeladmin's then)."""
    phrases = getattr(view.model_admin, "phrases", None)
    return getattr(phrases, name) if phrases is not None else None


class CountingPaginator(WagtailPaginator):
    """Wagtail's paginator writes "N <plural name>" ("5 причины отклонения"); this one
    says the count with the admin's plural forms, or "Total: N" without them."""

    count_phrase = None

    @cached_property
    def items_count_label(self):
        if self.count_phrase is not None:
            return self.count_phrase % {"count": self.count}
        return _("Total: %(count)s") % {"count": self.count}


class PhrasedIndexView(IndexView):
    @property
    def paginator_class(self):
        return type("CountingPaginator", (CountingPaginator,),
                    {"count_phrase": phrase(self, "count")})


class PhrasedCreateView(CreateView):
    def get_meta_title(self):
        return phrase(self, "new") or super().get_meta_title()

    def get_page_title(self):
        return phrase(self, "new") or super().get_page_title()

    def get_page_subtitle(self):
        return "" if phrase(self, "new") else super().get_page_subtitle()

    def get_success_message(self, instance):
        created = phrase(self, "created")
        if created is None:
            return super().get_success_message(instance)
        return created % {"object": instance}


class PhrasedEditView(EditView):
    def get_meta_title(self):
        return phrase(self, "editing") or super().get_meta_title()

    def get_page_title(self):
        return phrase(self, "editing") or super().get_page_title()

    def get_page_subtitle(self):
        return str(self.instance)

    def get_success_message(self, instance):
        saved = phrase(self, "saved")
        if saved is None:
            return super().get_success_message(instance)
        return saved % {"object": instance}


class PhrasedInspectView(InspectView):
    def get_meta_title(self):
        return phrase(self, "inspecting") or super().get_meta_title()

    def get_page_title(self):
        return phrase(self, "inspecting") or super().get_page_title()


class PhrasedDeleteView(DeleteView):
    def post(self, request, *args, **kwargs):
        deleted = phrase(self, "deleted")
        if deleted is None:
            return super().post(request, *args, **kwargs)
        message = deleted % {"object": self.instance}
        try:
            with transaction.atomic():
                log(instance=self.instance, action="wagtail.delete")
                self.delete_instance()
        except models.ProtectedError:
            # modeladmin's own answer lists the rows that hold this one.
            return super().post(request, *args, **kwargs)
        messages.success(request, message)
        return redirect(self.index_url)


class PhrasedButtonHelper(ButtonHelper):
    def add_button(self, *args, **kwargs):
        button = super().add_button(*args, **kwargs)
        if add := phrase(self.view, "add"):
            button["label"] = button["title"] = add
        return button


def yes_no(field_name: str, label):
    """A yes/no column whose icon's alternative text is translated (Django's says
    "True" or "False")."""

    def cell(obj):
        value = getattr(obj, field_name)
        icon, text = {True: ("yes", _("yes")), False: ("no", _("no")),
                      None: ("unknown", _("unknown"))}[value]
        return format_html('<img src="{}" alt="{}" title="{}">',
                           static(f"admin/img/icon-{icon}.svg"), text, text)

    cell.__name__ = field_name
    cell.short_description = label
    cell.admin_order_field = field_name
    return cell


class PhrasedAdmin:
    """Mix into a wagtail-modeladmin `ModelAdmin` (before it in the bases)."""

    phrases: ModelPhrases | None = None
    index_view_class = PhrasedIndexView
    create_view_class = PhrasedCreateView
    edit_view_class = PhrasedEditView
    delete_view_class = PhrasedDeleteView
    inspect_view_class = PhrasedInspectView
    button_helper_class = PhrasedButtonHelper

    def get_menu_label(self):
        return self.menu_label or capfirst(self.opts.verbose_name_plural)

    def get_menu_item_name(self):
        # ASCII, unique per admin: its URL path ("oversight-outbox", "cms-region").
        return self.menu_item_name or self.url_helper.base_url_path.replace("/", "-")

    def get_list_display(self, request):
        columns = []
        for column in super().get_list_display(request):
            field = self._field_or_none(column)
            if isinstance(field, models.BooleanField):
                column = yes_no(column, capfirst(field.verbose_name))
            columns.append(column)
        return columns

    def _field_or_none(self, column):
        if not isinstance(column, str):
            return None
        try:
            return self.model._meta.get_field(column)
        except Exception:  # noqa: BLE001 - a method or a property, not a field
            return None
