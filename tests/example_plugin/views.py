"""The example plugin's own admin page, the target of its menu link."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse


def example_admin_page(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    return TemplateResponse(request, "example_plugin/admin_page.html", {})
