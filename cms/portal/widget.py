"""The widget: a submission form an organisation embeds on its own website.

The snippet (generated in the admin, see `snippet_for`) loads `pos-widget.js` from this
server and makes one call, `PosWidget.init("<form url>", <organisation id>)`, which
puts a button on the host page; the button opens the form in an iframe overlay. The
form is the region's submission page marked "use for organisations' widgets"; the
message records the widget channel and the organisation, and routing treats the
organisation as the default addressee. Only the organisation's registered domains may
frame the page.
"""

from __future__ import annotations

import json

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation

from cms.models import Organisation, Region
from cms.permissions import get_citizen_appeal_or_404
from cms.submission.views import serve_submission

from .security import strict_csp, widget_csp


def widget_page_for(region: Region):
    """The region's page that widgets open: the first live one marked for widgets."""
    from .models import SubmissionPage

    if region.site_id is None:
        return None
    root = region.site.root_page
    return (
        SubmissionPage.objects.descendant_of(root, inclusive=True)
        .live()
        .filter(offer_in_widget=True)
        .order_by("path")
        .first()
    )


def widget_organisation_or_none(page, organisation_id: int) -> Organisation | None:
    """The organisation, if it belongs to the page's region (else it is forged)."""
    if not page.offer_in_widget or page.region is None:
        return None
    return Organisation.objects.filter(pk=organisation_id, region=page.region).first()


def unavailable(request):
    response = TemplateResponse(
        request, "portal/widget_unavailable.html", {}, status=404
    )
    return strict_csp(response)


def host_language(request) -> str:
    """English when the host page asked for it (the script adds ?lang=en to the frame's
    address; the form posts back to the same address), else the site's language."""
    return "en" if request.GET.get("lang") == "en" else translation.get_language()


def serve_widget(page, request, organisation_id: int):
    organisation = widget_organisation_or_none(page, organisation_id)
    if organisation is None:
        return unavailable(request)

    language = host_language(request)

    def confirmation_url(appeal):
        url = page.get_url(request) + page.reverse_subpage(
            "widget_confirmation_view", args=[organisation.pk, appeal.public_id]
        )
        return url + ("?lang=en" if language == "en" else "")

    with translation.override(language):
        response = serve_submission(
            page,
            request,
            widget_organisation=organisation,
            confirmation_url=confirmation_url,
            template="portal/widget_form.html",
        )
        if hasattr(response, "render"):
            response.render()
    return widget_csp(response, organisation)


def serve_widget_confirmation(page, request, organisation_id: int, public_id):
    organisation = widget_organisation_or_none(page, organisation_id)
    if organisation is None:
        return unavailable(request)
    try:
        appeal = get_citizen_appeal_or_404(request.user, public_id)
    except Http404:
        return unavailable(request)
    with translation.override(host_language(request)):
        response = TemplateResponse(
            request,
            "portal/widget_confirmation.html",
            {
                "page": page,
                "appeal": appeal,
                "organisation": organisation,
                "widget_organisation": organisation,
                "message_url": request.build_absolute_uri(
                    reverse("portal:message", args=[appeal.public_id])
                ),
            },
        )
        response.render()
    return widget_csp(response, organisation)


def script_url(request) -> str:
    return request.build_absolute_uri(reverse("portal:widget_script"))


def snippet_for(organisation: Organisation, page, request) -> str | None:
    """The HTML an organisation pastes into its website (None without a widget page)."""
    if page is None:
        return None
    call = f"PosWidget.init({json.dumps(page.widget_url(request))}, {organisation.pk});"
    return f'<script src="{script_url(request)}"></script>\n<script>{call}</script>'
