"""The widget: its frame page, who may frame it, what it records, forged ids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms.models import Appeal, Channel, Organisation, OrganisationKind, Region
from cms.portal.widget import snippet_for
from tests import factories

from .conftest import valid_post


def widget_url(page, organisation_id) -> str:
    return f"{page.url}widget/{organisation_id}/"


@pytest.fixture
def gorsk():
    organisation = factories.organisation("adm-gorsk")
    organisation.website_domains = [
        "adm-gorsk.example",
        "localhost:8123",
        "evil.example; script-src *",
        "*.gorsk.example",
    ]
    organisation.save()
    return organisation


def frame_ancestors(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(
        d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")
    )
    return directive.split()[1:]


def test_the_widget_page_may_be_framed_only_by_the_organisations_sites(
    general, gorsk, citizen_client
):
    response = citizen_client.get(widget_url(general, gorsk.pk))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == [
        "'self'",
        "adm-gorsk.example",
        "localhost:8123",
        "*.gorsk.example",
    ]
    body = response.content.decode()
    assert str(gorsk) in body and 'name="text"' in body


def test_every_other_page_refuses_framing(general, gorsk, citizen_client, admin_client):
    for client, url in [
        (citizen_client, general.url),
        (citizen_client, reverse("portal:my_messages")),
        (citizen_client, "/"),
        (admin_client, "/admin/"),
        (admin_client, reverse("portal_widget_snippets")),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY", url
        assert frame_ancestors(response) == ["'none'"], url


def test_portal_pages_load_assets_only_from_this_server(general, citizen_client):
    policy = citizen_client.get(general.url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_a_widget_message_records_the_channel_and_the_organisation(
    general, gorsk, citizen_client, citizen
):
    response = citizen_client.post(widget_url(general, gorsk.pk), valid_post())
    appeal = Appeal.objects.get(citizen=citizen)
    assert appeal.channel == Channel.WIDGET
    assert appeal.widget_organisation == gorsk
    # The confirmation stays inside the frame, framable like the form.
    assert response.status_code == 302
    assert response["Location"] == (
        f"{general.url}widget/{gorsk.pk}/sent/{appeal.public_id}/"
    )
    confirmation = citizen_client.get(response["Location"])
    assert appeal.number in confirmation.content.decode()
    assert "localhost:8123" in frame_ancestors(confirmation)


def test_widget_errors_come_back_inside_the_frame(general, gorsk, citizen_client):
    response = citizen_client.post(widget_url(general, gorsk.pk), valid_post(text=""))
    assert response.status_code == 200
    assert 'id="id_text_error"' in response.content.decode()
    assert "localhost:8123" in frame_ancestors(response)


def other_region_organisation() -> Organisation:
    region = Region.objects.create(code="other", name="Другая область")
    return Organisation.objects.create(
        region=region,
        code="adm-other",
        name="Чужая",
        kind=OrganisationKind.OMSU,
        website_domains=["other.example"],
    )


@pytest.mark.parametrize("forged", ["other region", "missing"])
def test_a_forged_widget_organisation_is_refused(forged, general, citizen_client):
    organisation_id = (
        other_region_organisation().pk if forged == "other region" else 987654
    )
    url = widget_url(general, organisation_id)
    for response in (citizen_client.get(url), citizen_client.post(url, valid_post())):
        assert response.status_code == 404
        assert "other.example" not in response["Content-Security-Policy"]
        assert frame_ancestors(response) == ["'none'"]
    assert not Appeal.objects.exists()


def test_only_the_page_marked_for_widgets_serves_them(roads, gorsk, citizen_client):
    assert citizen_client.get(widget_url(roads, gorsk.pk)).status_code == 404


def test_the_widget_asks_for_login_in_a_new_window(general, gorsk, client):
    response = client.get(widget_url(general, gorsk.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'target="_blank"' in body and "/accounts/" in body
    assert "localhost:8123" in frame_ancestors(response)


def test_the_snippet_is_one_script_and_one_call(
    general, gorsk, admin_client, rf, settings
):
    settings.ALLOWED_HOSTS = ["pos.example", "testserver"]
    # Absolute URLs on the host the admin is served from: it is pasted into other sites.
    request = rf.get("/admin/widgets/", HTTP_HOST="pos.example:8000")
    snippet = snippet_for(gorsk, general, request)
    assert snippet == (
        '<script src="http://pos.example:8000/widget/pos-widget.js"></script>\n'
        '<script>PosWidget.init("http://pos.example:8000/general/widget/", '
        f"{gorsk.pk});"
        "</script>"
    )
    response = admin_client.get(reverse("portal_widget_snippets"))
    assert (
        f"PosWidget.init(&quot;http://testserver/general/widget/&quot;, {gorsk.pk})"
        in (response.content.decode())
    )


def test_the_widget_script_is_served_by_the_platform(client):
    response = client.get(reverse("portal:widget_script"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "window.PosWidget" in body and "pos-widget:height" in body


def test_the_demo_host_page_embeds_the_snippet(settings, portal, client):
    settings.POS_DEMO = True
    response = client.get(reverse("portal:widget_demo", args=["adm-gorsk"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "PosWidget.init(" in body and "/widget/pos-widget.js" in body
    settings.POS_DEMO = False
    assert (
        client.get(reverse("portal:widget_demo", args=["adm-gorsk"])).status_code == 404
    )


def test_wagtail_previews_stay_framable_by_the_admin_itself(rf):
    from django.http import HttpResponse

    from cms.portal.security import FrameAncestorsMiddleware

    def preview(request):
        response = HttpResponse("preview")
        response["X-Frame-Options"] = "SAMEORIGIN"  # what Wagtail's preview view sets
        return response

    response = FrameAncestorsMiddleware(preview)(rf.get("/admin/pages/1/edit/preview/"))
    assert frame_ancestors(response) == ["'self'"]


def test_a_host_page_asking_for_english_keeps_it_after_sending(
    general, gorsk, citizen_client, citizen
):
    url = widget_url(general, gorsk.pk) + "?lang=en"
    form = citizen_client.get(url).content.decode()
    assert 'action="' + url + '"' in form  # the form posts back with the host's language
    error = citizen_client.post(url, valid_post(text="")).content.decode()
    assert "Send the message" in error
    response = citizen_client.post(url, valid_post())
    assert response["Location"].endswith("?lang=en")
    confirmation = citizen_client.get(response["Location"]).content.decode()
    assert '<html lang="en"' in confirmation or 'lang="en"' in confirmation
