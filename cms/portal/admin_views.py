"""Admin views of the portal: snippets for organisations' websites."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.models import Organisation, Region
from cms.permissions.policy import staff_region_ids

from .widget import snippet_for, widget_page_for


def widget_snippets(request):
    """Each organisation's snippet, by region, to paste into its website."""
    regions = []
    # The regions the user works in: another region's organisations are not theirs.
    visible = Region.objects.all()
    region_ids = staff_region_ids(request.user)
    if region_ids is not None:
        visible = visible.filter(pk__in=region_ids)
    for region in visible.select_related("site__root_page").order_by("name"):
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
