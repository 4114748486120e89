"""A person with roles in two regions (issue 14, point 3): every queue and region-scoped
list offers a region filter and each row says its region; with one region, neither."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import Organisation, Role, Status
from tests import two_regions
from tests.workflow.builders import message

pytestmark = pytest.mark.django_db

QUEUE_QUERY_BUDGET = 12  # as tests/perf/test_staff_queue.py asserts for one region


@pytest.fixture
def both(demo):
    second = two_regions.second_region()
    ours = message(Status.ON_MODERATION, region=demo, territory_code="gorsk")
    theirs = message(Status.ON_MODERATION, region=second, territory_code="gorsk")
    return demo, second, ours, theirs


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def region_cells(html: str) -> list[str]:
    return [cell.strip() for cell in
            re.findall(r'<td class="field-region_name">(.*?)</td>', html, re.S)]


def test_a_moderator_of_two_regions_filters_and_reads_each_rows_region(both, client):
    demo, second, ours, theirs = both
    moderator = two_regions.staff(demo, Role.MODERATOR, username="two-region-moderator")
    two_regions.staff(second, Role.MODERATOR, username=moderator.username)
    client.force_login(moderator)

    html = client.get("/admin/queues/moderation/").content.decode()
    assert ours.number in html and theirs.number in html
    assert set(region_cells(html)) == {str(demo), str(second)}
    assert f"?region={second.pk}" in html  # the filter offers both regions
    assert f"?region={demo.pk}" in html

    narrowed = client.get("/admin/queues/moderation/", {"region": second.pk})
    rows = narrowed.context["view"].queryset
    assert set(rows.values_list("region_id", flat=True)) == {second.pk}
    assert set(region_cells(narrowed.content.decode())) == {str(second)}

    exported = client.get("/admin/queues/moderation/", {"export": "csv"})
    text = csv_text(exported)
    header = text.splitlines()[0]
    assert "Регион" in header
    assert str(second) in text and str(demo) in text


def test_one_region_shows_neither_the_filter_nor_the_column(both, client):
    demo, second, ours, theirs = both
    client.force_login(two_regions.staff(demo, Role.MODERATOR))
    response = client.get("/admin/queues/moderation/")
    html = response.content.decode()
    assert ours.number in html and theirs.number not in html
    assert region_cells(html) == []
    assert "?region=" not in html
    exported = client.get("/admin/queues/moderation/", {"export": "csv"})
    assert "Регион" not in csv_text(exported).splitlines()[0]


def test_the_queue_of_two_regions_keeps_its_query_budget(both, client):
    demo, second, _ours, _theirs = both
    moderator = two_regions.staff(demo, Role.MODERATOR, username="two-region-moderator")
    two_regions.staff(second, Role.MODERATOR, username=moderator.username)
    client.force_login(moderator)
    client.get("/admin/queues/moderation/")  # the process's first request remembers
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/queues/moderation/")
    for region in (demo, second):
        for _ in range(10):
            message(Status.ON_MODERATION, region=region, territory_code="gorsk")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/admin/queues/moderation/").content.decode()
    assert len(region_cells(html)) >= 22
    assert len(one) == len(many) <= QUEUE_QUERY_BUDGET, [q["sql"] for q in many]


def test_an_editor_of_two_regions_filters_the_reference_lists(both, client):
    demo, second, _ours, _theirs = both
    editor = two_regions.staff(demo, Role.EDITOR, username="two-region-editor")
    two_regions.staff(second, Role.EDITOR, username=editor.username)
    client.force_login(editor)

    response = client.get("/admin/cms/staffmembership/")
    html = response.content.decode()
    assert f"?region={second.pk}" in html and f"?region={demo.pk}" in html
    assert str(second) in html and str(demo) in html  # the region column's cells
    narrowed = client.get("/admin/cms/staffmembership/", {"region": second.pk})
    rows = narrowed.context["view"].queryset
    assert set(rows.values_list("organisation__region_id", flat=True)) == {second.pk}

    organisations = client.get("/admin/cms/organisation/", {"region": demo.pk})
    assert set(organisations.context["view"].queryset.values_list(
        "region_id", flat=True)) == {demo.pk}


def test_an_editor_of_one_region_is_offered_no_other_regions_name(both, client):
    demo, second, _ours, _theirs = both
    client.force_login(two_regions.staff(demo, Role.EDITOR))
    for url in ("/admin/cms/organisation/", "/admin/cms/territory/",
                "/admin/oversight/rejection-reasons/"):
        html = client.get(url).content.decode()
        assert str(second) not in html, url
        assert f"region={second.pk}" not in html and "region__id__exact" not in html
    assert Organisation.objects.filter(region=second).exists()


def test_a_lists_filters_offer_only_the_users_regions_rows(both, client):
    demo, second, _ours, _theirs = both
    client.force_login(two_regions.staff(demo, Role.EDITOR))
    theirs = set(Organisation.objects.filter(region=second).values_list("pk", flat=True))
    ours = set(Organisation.objects.filter(region=demo).values_list("pk", flat=True))
    html = client.get("/admin/routing/routingrule/").content.decode()
    offered = {int(pk) for pk in re.findall(r"organisation__id__exact=(\d+)", html)}
    assert offered and offered <= ours and not offered & theirs
