"""A region administrator edits the region's rejection reasons (the workflow terms are a
section of the "Region settings" page: tests/plugin_contract/test_settings.py)."""

from cms.models import RejectionReason, Status
from tests.workflow.builders import demo_staff, message, other_region


def test_a_region_adds_its_own_rejection_reason_beside_the_built_in_ones(client, demo):
    foreign = other_region()
    client.force_login(demo_staff()["editor"])
    form = client.get("/admin/oversight/rejection-reasons/create/").content.decode()
    assert f'value="{demo.pk}"' in form and f'value="{foreign.pk}"' not in form
    response = client.post("/admin/oversight/rejection-reasons/create/", {
        "region": foreign.pk, "title": "Чужой", "position": 0, "is_active": "on"})
    assert not RejectionReason.objects.filter(title="Чужой").exists()
    response = client.post("/admin/oversight/rejection-reasons/create/", {
        "region": demo.pk, "title": "Вне компетенции области", "position": 1,
        "is_active": "on"})
    assert response.status_code == 302
    assert RejectionReason.objects.filter(region=demo, code="").count() == 1

    appeal = message(Status.ON_MODERATION)
    client.force_login(demo_staff()["moderator"])
    page = client.get(f"/admin/messages/{appeal.pk}/").content.decode()
    assert "Вне компетенции области" in page
    assert 'value="region:' in page and 'value="obscene"' in page

