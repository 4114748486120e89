from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.kernel.plugins import all_hooks


def plugin_public_urls() -> list:
    """What the plugins serve on the public site (`public_urls` hook), collected once.

    Every registered plugin's URLs are mounted: a view serving a region's content checks
    that its plugin is on for that region.
    """
    return [pattern for patterns in all_hooks().public_urls() for pattern in patterns]


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("cms.accounts.urls")),
]

if settings.POS_DEV_IDP:
    # The development stand-in for ЕСИА: dev and test settings only.
    urlpatterns.append(path("dev-idp/", include("cms.accounts.devprovider.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The core's own public URLs first, then the plugins', then Wagtail's pages (a catch-all).
urlpatterns += i18n_patterns(
    path("", include("cms.portal.urls")),
    *plugin_public_urls(),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
