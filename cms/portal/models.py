"""The region's public pages: a portal home, and submission pages editors configure.

A `SubmissionPage` holds everything a content editor may change without code: the intro,
which categories it offers, the consent text, the attachment rules and extra questions
(Wagtail's form-builder fields, answered into `Appeal.extra_answers`). The core
fields of a message are fixed in `cms.submission.forms`. Serving the page is the business
of `cms.submission.views`; this module only describes the pages, and the files a
citizen's form holds between tries (`HeldUpload`, see `cms.submission.held_uploads`).
"""

from __future__ import annotations

from dataclasses import dataclass

from anyascii import anyascii
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractFormField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.coreutils import resolve_model_string, safe_snake_case
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.kernel.plugins import all_hooks, hooks_for
from cms.models import Region
from cms.submission.region_cache import region_cached
from cms.submission.uploads import FILE_TYPES

from .admin_forms import SubmissionPageAdminForm


def region_of_page(page: Page) -> Region | None:
    """The region whose site holds `page` (one site per region)."""
    site = page.get_site()
    if site is None:
        return None
    return Region.objects.filter(site=site).first()


def plugin_links(region: Region, request) -> list:
    """The links the region's plugins add to its portal home, in their order."""
    answers = hooks_for(region).portal_home_links(region=region, request=request)
    return sorted((link for answer in answers for link in answer or []),
                  key=lambda link: link.order)


class PortalHomePage(Page):
    """A region's portal home: a short introduction and its submission pages."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    # The core's own child type; plugins add theirs through the `portal_page_types` hook.
    subpage_types = ["portal.SubmissionPage"]
    template = "portal/portal_home_page.html"

    class Meta:
        verbose_name = _("portal home page")

    @classmethod
    def clean_subpage_models(cls):
        """The core's submission page and the page types plugins declare.

        Wagtail reads both the allowed children and, from a child's side, the allowed
        parents through this, so a plugin's page (with `parent_page_types` naming this
        model) can be added, moved and checked like the core's. Asked of every registered
        plugin: page types are an installation's, like its tables.
        """
        declared = [name for names in all_hooks().portal_page_types() for name in names]
        models = list(super().clean_subpage_models())
        for name in declared:
            model = resolve_model_string(name)
            if not issubclass(model, Page):
                raise LookupError(f"{model} is not a Page subclass")
            if model not in models:
                models.append(model)
        return models

    def submission_pages(self):
        return SubmissionPage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["submission_pages"] = self.submission_pages()
        region = region_of_page(self)
        context["plugin_links"] = plugin_links(region, request) if region else []
        return context


class SubmissionPage(RoutablePageMixin, Page):
    """A form through which citizens write, configured by the region's editor."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    categories = ParentalManyToManyField(
        "cms.Category",
        verbose_name=_("categories offered"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to offer every category the region shows."),
    )
    consent_text = RichTextField(
        _("personal data consent"),
        features=["bold", "italic", "link"],
        help_text=_("The text the citizen agrees to before sending."),
    )
    max_files = models.PositiveSmallIntegerField(
        _("maximum number of files"),
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    file_types = models.JSONField(
        _("allowed file types"),
        default=list,
        blank=True,
        help_text=_("File types citizens may attach."),
    )
    max_file_size_mb = models.PositiveSmallIntegerField(
        _("maximum file size, MB"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    offer_in_widget = models.BooleanField(
        _("use for organisations' widgets"),
        default=False,
        help_text=_(
            "The region's widgets open this form (the first such page is used)."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("categories"),
        MultiFieldPanel(
            [
                FieldPanel("max_files"),
                FieldPanel("file_types"),
                FieldPanel("max_file_size_mb"),
            ],
            heading=_("Attachments"),
        ),
        InlinePanel("extra_fields", label=_("Extra questions")),
        FieldPanel("consent_text"),
        FieldPanel("offer_in_widget"),
    ]
    base_form_class = SubmissionPageAdminForm
    parent_page_types = ["portal.PortalHomePage"]
    subpage_types: list[str] = []
    template = "portal/submission_page.html"

    class Meta:
        verbose_name = _("submission page")

    @cached_property
    def region(self) -> Region | None:
        return region_of_page(self)

    @property
    def max_file_size(self) -> int:
        return self.max_file_size_mb * 1024 * 1024

    @property
    def allowed_file_types(self) -> list[str]:
        return [code for code in self.file_types if code in FILE_TYPES]

    def form_choices(self) -> FormChoices:
        """What the page's form offers, kept per region version (`region_cache`: the
        page, its questions, the classifier, the territories and the region's hidden
        categories all bump it when saved); a preview reads its own revision."""
        region = self.region
        if region is None or getattr(self, "is_previewed", False) or not self.pk:
            return FormChoices.read(self)
        return region_cached(region, f"portal:page-form:{self.pk}",
                             lambda: FormChoices.read(self))

    def serve_preview(self, request, *args, **kwargs):
        self.is_previewed = True
        return super().serve_preview(request, *args, **kwargs)

    def offered_categories(self):
        """The page's subset (or all), without the categories the region hides."""
        categories = self.region.visible_categories() if self.region else None
        if categories is None:
            from cms.models import Category

            return Category.objects.none()
        if self.pk and self.categories.exists():
            categories = categories.filter(pk__in=self.categories.values("pk"))
        return categories.order_by("position", "code")

    @path("")
    def submission_view(self, request):
        # Imported here, not at the top: the view's imports (auth forms) need the model
        # registry, which is still loading when this module is.
        from cms.submission.views import serve_submission

        return serve_submission(self, request)

    @path("widget/<int:organisation_id>/")
    def widget_view(self, request, organisation_id):
        from .widget import serve_widget

        return serve_widget(self, request, organisation_id)

    @path("widget/<int:organisation_id>/sent/<uuid:public_id>/")
    def widget_confirmation_view(self, request, organisation_id, public_id):
        from .widget import serve_widget_confirmation

        return serve_widget_confirmation(self, request, organisation_id, public_id)

    def widget_url(self, request) -> str:
        """The `<form url>` of the organisations' widget snippets (an organisation id
        follows it), absolute: it is loaded from other sites."""
        return request.build_absolute_uri(self.get_url(request) + "widget/")


@dataclass(frozen=True)
class FormChoices:
    """A page's categories, their subcategories, its region's territories and its extra
    questions, in the order the form shows them."""

    categories: tuple
    subcategories: dict  # category pk -> tuple of its subcategories
    territories: tuple
    extra_fields: tuple

    @classmethod
    def read(cls, page: SubmissionPage) -> FormChoices:
        from cms.models import Subcategory, Territory

        categories = tuple(page.offered_categories())
        subcategories: dict[int, list] = {}
        for sub in Subcategory.objects.filter(
                category__in=[category.pk for category in categories]).order_by(
                "category_id", "position", "code"):
            subcategories.setdefault(sub.category_id, []).append(sub)
        region = page.region
        territories = (tuple(Territory.objects.filter(region=region).order_by("path"))
                       if region else ())
        return cls(categories=categories,
                   subcategories={pk: tuple(subs) for pk, subs in subcategories.items()},
                   territories=territories,
                   extra_fields=tuple(page.extra_fields.all()))


class SubmissionPageField(AbstractFormField):
    """An extra question added by the editor; answers go into `Appeal.extra_answers`."""

    page = ParentalKey(
        SubmissionPage, on_delete=models.CASCADE, related_name="extra_fields"
    )

    def get_field_clean_name(self):
        # Wagtail keeps Cyrillic as escapes ("u041eu0431…"); a transliteration reads
        # better where staff see the stored answers.
        return (
            safe_snake_case(anyascii(self.label))[:200]
            or super().get_field_clean_name()
        )

    class Meta(AbstractFormField.Meta):
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
