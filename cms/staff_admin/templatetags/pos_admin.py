"""Template tags of the staff admin's own templates (the branding overrides)."""

from django import template

from cms.staff_admin.branding import admin_brand

register = template.Library()


@register.simple_tag(takes_context=True)
def pos_brand(context) -> str:
    """The admin's name for this request's user (`cms.staff_admin.branding`)."""
    request = context.get("request")
    return admin_brand(request) if request is not None else ""
