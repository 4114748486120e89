"""The reports plugin's admin wiring (Wagtail hooks)."""

from wagtail import hooks

from .duplicates_admin import register_duplicate_admin_urls

hooks.register("register_admin_urls", register_duplicate_admin_urls)
