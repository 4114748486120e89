"""The message page's action forms write their organisation and executor options from the
region's memory (cms.submission.region_cache): read once per process, and seen changed on
the very next request after the region's staff or organisations change."""

from __future__ import annotations

import pytest

from cms.models import Role, Status
from tests import factories
from tests.workflow.builders import demo_staff, message, staff_member

pytestmark = pytest.mark.django_db


def page(client, appeal) -> str:
    response = client.get(f"/admin/messages/{appeal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_executor_is_offered_on_the_next_request(client, demo):
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    client.force_login(demo_staff()["coordinator"])
    assert "Новенький Исполнитель" not in page(client, appeal)  # the options remembered
    newcomer = staff_member("newcomer", "adm-gorsk", Role.EXECUTOR)
    newcomer.first_name, newcomer.last_name = "Новенький", "Исполнитель"
    newcomer.save()
    assert "Новенький Исполнитель" in page(client, appeal)


def test_a_renamed_organisation_is_offered_by_its_new_name(client, demo):
    appeal = message(Status.SENT_TO_ORGANISATION, "adm-gorsk")
    client.force_login(demo_staff()["coordinator"])
    organisation = factories.organisation("adm-staromlynsk")
    assert f">{organisation}<" in page(client, appeal)  # offered, and remembered
    organisation.name = organisation.short_name = "Управление переименованных дорог"
    organisation.save()
    assert "Управление переименованных дорог" in page(client, appeal)
