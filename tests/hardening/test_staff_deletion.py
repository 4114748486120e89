"""Finding 3: deleting a staff account that the audit trail names gave a 500
(ProtectedError). Wagtail's delete page and its bulk delete now refuse, say which records
keep the account, and offer to deactivate it instead."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cms import audit
from cms.models import AuditKind, Role
from tests import factories
from tests.workflow.builders import staff_member

User = get_user_model()


@pytest.fixture
def admin_client(client, demo):
    client.force_login(factories.user("root", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def named_in_the_trail(demo):
    user = staff_member("leaving.moderator", "cur", Role.MODERATOR)
    audit.record(kind=AuditKind.EXPORT, what="Очередь модерации", actor=user)
    return user


def test_the_delete_page_refuses_and_offers_deactivation(admin_client, named_in_the_trail):
    url = f"/admin/users/delete/{named_in_the_trail.pk}/"

    page = admin_client.get(url)
    assert page.status_code == 200
    assert f'action="/admin/staff-accounts/{named_in_the_trail.pk}/deactivate/"' in (
        page.content.decode())

    response = admin_client.post(url)
    assert response.status_code == 409
    content = response.content.decode()
    assert "pos-delete-refused" in content and ": 1" in content
    assert User.objects.filter(pk=named_in_the_trail.pk).exists()


def test_deactivating_keeps_the_account_and_its_records(admin_client, named_in_the_trail):
    response = admin_client.post(f"/admin/staff-accounts/{named_in_the_trail.pk}/deactivate/")
    assert response.status_code == 302
    named_in_the_trail.refresh_from_db()
    assert named_in_the_trail.is_active is False


def test_an_account_nothing_names_is_deleted_as_before(admin_client, demo):
    unused = factories.user("never.worked")
    response = admin_client.post(f"/admin/users/delete/{unused.pk}/")
    assert response.status_code == 302
    assert not User.objects.filter(pk=unused.pk).exists()


def test_the_bulk_delete_refuses_too(admin_client, named_in_the_trail):
    unused = factories.user("never.worked")
    url = (f"/admin/bulk/auth/user/delete/?next=/admin/users/"
           f"&id={named_in_the_trail.pk}&id={unused.pk}")
    response = admin_client.post(url)
    assert response.status_code == 409
    assert "pos-delete-refused" in response.content.decode()
    # Nothing deleted: the refusal comes before the bulk action touches any account.
    assert User.objects.filter(pk__in=[named_in_the_trail.pk, unused.pk]).count() == 2


def test_only_who_may_delete_the_account_may_deactivate_it(client, named_in_the_trail):
    client.force_login(staff_member("colleague", "cur", Role.MODERATOR))
    response = client.post(f"/admin/staff-accounts/{named_in_the_trail.pk}/deactivate/")
    assert response.status_code in (302, 403)
    named_in_the_trail.refresh_from_db()
    assert named_in_the_trail.is_active is True
