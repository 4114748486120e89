"""The demo region's public pages: a portal home with two submission pages.

Called by `manage.py seed_demo`; safe to run again (pages are found by slug and left as
an editor may have changed them).
"""

from __future__ import annotations

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import Category
from cms.submission.uploads import DEFAULT_FILE_TYPES

from .models import PortalHomePage, SubmissionPage, SubmissionPageField

HOME_SLUG = "portal"
CONSENT = (
    "<p>Я даю согласие на обработку моих персональных данных (ФИО, адрес электронной "
    "почты, телефон) для рассмотрения сообщения в соответствии с Федеральным законом "
    "№ 152-ФЗ «О персональных данных».</p>"
)
# The demo organisation whose "own website" (/widget-demo/<code>/) embeds the widget.
DEMO_WIDGET_ORGANISATION = "adm-gorsk"


def tree_root() -> Page:
    """Wagtail's root page; made again if the database was emptied (a flushed test
    database)."""
    root = Page.get_first_root_node()
    if root is None:
        language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        locale, _created = Locale.objects.get_or_create(language_code=language)
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def create_demo_pages(region) -> PortalHomePage:
    """The region's portal home as its site's root, with a general and a roads page."""
    home = PortalHomePage.objects.filter(slug=HOME_SLUG).first()
    if home is None:
        home = tree_root().add_child(
            instance=PortalHomePage(
                title="Сообщить о проблеме",
                slug=HOME_SLUG,
                intro="<p>Напишите о проблеме в вашем городе или районе: "
                "сообщение получит "
                "ответственная организация, а ответ придёт в течение 30 дней.</p>",
            )
        )
    site = region.site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
    if site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    if region.site_id != site.pk:
        region.site = site
        region.save(update_fields=["site"])

    if not SubmissionPage.objects.child_of(home).filter(slug="general").exists():
        general = home.add_child(
            instance=SubmissionPage(
                title="Сообщение о проблеме",
                slug="general",
                intro="<p>Выберите тему, место и опишите проблему. "
                "Приложите фото, если "
                "можете: так её решат быстрее.</p>",
                consent_text=CONSENT,
                file_types=DEFAULT_FILE_TYPES,
                offer_in_widget=True,
            )
        )
        SubmissionPageField.objects.create(
            page=general,
            label="Обращались ли вы по этому вопросу раньше?",
            field_type="radio",
            choices="Да\nНет",
            required=False,
        )
    if not SubmissionPage.objects.child_of(home).filter(slug="roads").exists():
        roads = SubmissionPage(
            title="Дороги: ямы, разметка, знаки",
            slug="roads",
            intro="<p>Только о дорогах: ямы, разметка, знаки, светофоры.</p>",
            consent_text=CONSENT,
            file_types=["jpeg", "png"],
            max_files=3,
        )
        roads.categories.set(Category.objects.filter(code="01"))
        home.add_child(instance=roads)
    return home
