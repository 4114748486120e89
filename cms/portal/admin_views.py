"""Admin views of the portal: snippets for organisations' websites."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.models import Organisation, Region

from .widget import snippet_for, widget_page_for


def widget_snippets(request):
    """Each organisation's snippet, by region, to paste into its website."""
    regions = []
    for region in Region.objects.select_related("site__root_page").order_by("name"):
        page = widget_page_for(region)
        organisations = Organisation.objects.filter(region=region).order_by("name")
        regions.append(
            {
                "region": region,
                "page": page,
                "rows": [
                    {
                        "organisation": organisation,
                        "snippet": snippet_for(organisation, page, request),
                    }
                    for organisation in organisations
                ],
            }
        )
    return render(
        request,
        "portal/admin/widget_snippets.html",
        {"regions": regions, "title": _("Widgets for organisations' websites")},
    )
