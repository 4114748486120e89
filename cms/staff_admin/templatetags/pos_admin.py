"""Template tags of the staff admin's own templates (the branding overrides, the admin's
script configuration)."""

from django import template
from django.conf import settings
from django.http.request import HttpHeaders
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.encoding import force_str
from wagtail.admin.localization import get_js_translation_strings
from wagtail.admin.templatetags.wagtailadmin_tags import i18n_enabled

from cms.staff_admin import shell
from cms.staff_admin.branding import admin_brand

register = template.Library()


@register.simple_tag(takes_context=True)
def pos_brand(context) -> str:
    """The admin's name for this request's user (`cms.staff_admin.branding`)."""
    request = context.get("request")
    return admin_brand(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def pos_wagtail_config(context) -> dict:
    """Wagtail 8's `wagtail_config` (the admin's script configuration, on every admin
    page), with the locales from the admin shell's memory (`cms.staff_admin.shell`)
    instead of a query per page. Keep in step with Wagtail's tag when upgrading."""
    request = context["request"]
    user = getattr(request, "user", None)
    config = {
        "CSRF_TOKEN": get_token(request),
        "CSRF_HEADER_NAME": HttpHeaders.parse_header_name(settings.CSRF_HEADER_NAME),
        "ADMIN_API": {
            "PAGES": reverse("wagtailadmin_api:pages:listing"),
            "DOCUMENTS": reverse("wagtailadmin_api:documents:listing"),
            "IMAGES": reverse("wagtailadmin_api:images:listing"),
            "EXTRA_CHILDREN_PARAMETERS": "",
        },
        "ADMIN_URLS": {
            "DISMISSIBLES": reverse("wagtailadmin_dismissibles"),
            "PAGES": reverse("wagtailadmin_explore_root"),
            "BLOCK_PREVIEW": reverse("wagtailadmin_block_preview"),
        },
        "I18N_ENABLED": i18n_enabled(),
        "LOCALES": [
            {"code": locale.language_code,
             "display_name": force_str(locale.get_display_name())}
            for locale in shell.locales(user)
        ],
        "STRINGS": get_js_translation_strings(),
    }
    if locale := context.get("locale"):
        config["ACTIVE_CONTENT_LOCALE"] = locale.language_code
    config["KEYBOARD_SHORTCUTS_ENABLED"] = (
        user.wagtail_userprofile.keyboard_shortcuts
        if hasattr(user, "wagtail_userprofile") else True)
    return config
