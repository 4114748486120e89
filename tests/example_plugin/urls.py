"""A public URL (`public_urls`): /example/hello/ greets with the region's setting.

It serves a region's content, so it answers only where the plugin is on.
"""

from django.http import Http404, HttpResponse
from django.urls import path
from wagtail.models import Site

from cms.kernel.plugins import hookimpl, is_enabled
from cms.models import Region

from .models import ExampleSettings

__all__ = ["public_urls"]


def hello(request):
    site = Site.find_for_request(request)
    region = Region.objects.filter(site=site).first() if site else None
    if region is None or not is_enabled("example", region):
        raise Http404
    greeting = ExampleSettings.for_region(region).greeting
    return HttpResponse(f"{greeting} from {region.code}", content_type="text/plain")


@hookimpl
def public_urls():
    return [path("example/hello/", hello, name="example_hello")]
