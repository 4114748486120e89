"""The rating's public URL (`public_urls` hook): /rating/<signed token>/."""

from __future__ import annotations

from django.urls import include, path

from cms.kernel.plugins import hookimpl

from . import views

__all__ = ["public_urls"]

app_name = "rating"
urlpatterns = [
    path("<str:token>/", views.rating_page, name="page"),
]


@hookimpl
def public_urls():
    return [path("rating/", include("plugins.rating.urls", namespace="rating"))]
