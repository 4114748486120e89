"""A page type under the portal home (`portal_page_types`)."""

from cms.kernel.plugins import hookimpl

__all__ = ["portal_page_types"]


@hookimpl
def portal_page_types():
    return ["example_plugin.ExampleNoticePage"]
