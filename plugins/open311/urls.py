"""The Open311 URLs (`public_urls` hook): /open311/v2/<resource>.<json|xml>."""

from __future__ import annotations

from django.urls import include, path, register_converter

from cms.kernel.plugins import hookimpl

from . import openapi, views

__all__ = ["public_urls"]


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

app_name = "open311"
urlpatterns = [
    path("", views.discovery, name="root"),
    path("openapi.json", openapi.openapi_view, name="openapi"),
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.service_list, name="services"),
    path("services/<str:service_code>.<open311_format:fmt>", views.service_definition,
         name="service"),
    path("requests.<open311_format:fmt>", views.requests_view, name="requests"),
    path("requests/<str:request_id>.<open311_format:fmt>", views.request_detail,
         name="request"),
    path("tokens/<str:token>.<open311_format:fmt>", views.token_detail, name="token"),
]


@hookimpl
def public_urls():
    return [path("open311/v2/", include("plugins.open311.urls", namespace="open311"))]
