"""The example plugin's tables: a portal page type and a region settings model."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from cms.models import RegionSettings


class ExampleNoticePage(Page):
    """A short notice an editor may add under a region's portal home."""

    notice = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("notice")]
    parent_page_types = ["portal.PortalHomePage"]
    subpage_types: list[str] = []
    template = "example_plugin/example_notice_page.html"

    class Meta:
        verbose_name = "example notice"


class ExampleSettings(RegionSettings):
    """What the example's public page says, per region."""

    greeting = models.CharField("greeting", max_length=100, default="Hello")

    class Meta:
        verbose_name = "example settings"
