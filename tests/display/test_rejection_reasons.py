"""Rejection reasons are rows: every region starts with the built-in ones, which its
editors reword or retire, beside reasons of its own (finding 10 of issue 11)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from cms.models import Appeal, Region, RejectionReason, Status
from cms.workflow.actions import do_reject_appeal
from cms.workflow.reasons import (
    DEFAULT_REJECTION_REASONS,
    rejection_reasons,
    seed_rejection_reasons,
)
from tests.workflow.builders import demo_staff, message

BUILT_IN = {choice.key for choice in DEFAULT_REJECTION_REASONS}
LIST = "/admin/oversight/rejection-reasons/"


@pytest.fixture
def staff(demo):
    return demo_staff()


def reject_form(client, appeal) -> str:
    return client.get(f"/admin/messages/{appeal.pk}/").content.decode()


def test_the_admin_lists_the_built_in_reasons_the_moderators_pick_from(client, demo,
                                                                       staff):
    rows = RejectionReason.objects.filter(region=demo)
    assert set(rows.values_list("code", flat=True)) == BUILT_IN
    client.force_login(staff["editor"])
    page = client.get(LIST).content.decode()
    for row in rows:
        assert row.title in page
    assert "Дубликат другого сообщения" in page

    client.force_login(staff["moderator"])
    form = reject_form(client, message(Status.ON_MODERATION))
    for row in rows:
        assert f'value="{row.code}"' in form and row.title in form


def test_a_region_s_own_reason_joins_the_built_in_ones(client, demo, staff):
    client.force_login(staff["editor"])
    response = client.post(f"{LIST}create/", {
        "region": demo.pk, "title": "Вне компетенции области", "position": 9,
        "is_active": "on"})
    assert response.status_code == 302
    own = RejectionReason.objects.get(region=demo, title="Вне компетенции области")
    assert own.code == ""

    client.force_login(staff["moderator"])
    form = reject_form(client, message(Status.ON_MODERATION))
    assert f'value="region:{own.pk}"' in form
    assert 'value="duplicate"' in form and "Дубликат другого сообщения" in form
    assert [choice.key for choice in rejection_reasons(demo)][-1] == f"region:{own.pk}"


def test_a_built_in_reason_is_reworded_and_keeps_its_key(client, demo, staff):
    row = RejectionReason.objects.get(region=demo, code="not_a_problem")
    client.force_login(staff["editor"])
    response = client.post(f"{LIST}edit/{row.pk}/", {
        "title": "Проблемы нет", "position": row.position, "is_active": "on"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.title == "Проблемы нет" and row.region_id == demo.pk

    appeal = message(Status.ON_MODERATION)
    client.force_login(staff["moderator"])
    response = client.post(f"/admin/messages/{appeal.pk}/act/reject/", {
        "reject-version": appeal.version, "reject-reason": "not_a_problem"})
    assert response.status_code == 302
    event = Appeal.objects.get(pk=appeal.pk).events.filter(to_value=Status.REJECTED).get()
    assert event.reason == "Проблемы нет" and event.data["reason_key"] == "not_a_problem"


def test_a_retired_reason_is_not_offered_and_rejected_messages_keep_it(client, demo,
                                                                        staff):
    row = RejectionReason.objects.get(region=demo, code="obscene")
    earlier = message(Status.ON_MODERATION)
    do_reject_appeal(earlier.pk, staff["moderator"], row.title, row.key)

    client.force_login(staff["editor"])
    response = client.post(f"{LIST}edit/{row.pk}/", {
        "title": row.title, "position": row.position})  # "in use" unticked
    assert response.status_code == 302
    row.refresh_from_db()
    assert not row.is_active
    assert row.title in client.get(LIST).content.decode()  # still listed, retired

    client.force_login(staff["moderator"])
    assert 'value="obscene"' not in reject_form(client, message(Status.ON_MODERATION))
    assert row.title in client.get(f"/admin/messages/{earlier.pk}/").content.decode()


def test_the_duplicate_reason_cannot_be_retired(client, demo, staff):
    row = RejectionReason.objects.get(region=demo, code="duplicate")
    client.force_login(staff["editor"])
    response = client.post(f"{LIST}edit/{row.pk}/", {
        "title": "Дубликат", "position": row.position, "needs_reference": "on"})
    assert response.status_code == 200  # the form again, with the error
    row.refresh_from_db()
    assert row.is_active and row.title != "Дубликат"


def test_reasons_are_not_deleted_but_retired(client, demo, staff):
    row = RejectionReason.objects.get(region=demo, code="obscene")
    client.force_login(staff["editor"])
    client.post(f"{LIST}delete/{row.pk}/")
    assert RejectionReason.objects.filter(pk=row.pk).exists()


def test_a_new_region_starts_with_the_built_in_reasons(db):
    region = Region.objects.create(code="new", name="Новая область")
    assert set(RejectionReason.objects.filter(region=region)
               .values_list("code", flat=True)) == BUILT_IN
    assert seed_rejection_reasons(region) == 0  # once only
    duplicate = RejectionReason.objects.get(region=region, code="duplicate")
    assert duplicate.title == "Дубликат другого сообщения" and duplicate.needs_reference


def test_the_migration_gives_existing_regions_the_built_in_reasons(db):
    region = Region.objects.create(code="old", name="Старая область")
    RejectionReason.objects.filter(region=region).delete()  # as before the migration
    RejectionReason.objects.create(region=region, title="Своя причина", position=1)
    migration = importlib.import_module("cms.migrations.0011_rejection_reasons_as_rows")
    RejectionReason.objects.exclude(region=region).delete()  # one region to look at
    migration.seed_existing_regions(apps, None)
    titles = list(RejectionReason.objects.filter(region=region).values_list("title",
                                                                             flat=True))
    assert "Своя причина" in titles and "Не является проблемой" in titles
    assert len(titles) == 1 + len(DEFAULT_REJECTION_REASONS)
