"""Similar messages on a small fixed data set (PostgreSQL's pg_trgm): the problem-points
groups, the moderator's possible duplicates and the citizen's "already reported"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import Appeal, Status
from plugins.reports.similar import (
    already_reported,
    possible_duplicates,
    similar_groups,
)
from tests import factories

pytestmark = pytest.mark.django_db

POTHOLE = "Большая яма на дороге у дома 5 по улице Ленина, машины бьют колёса"
POTHOLE_AGAIN = "Яма на дороге у дома 5 по улице Ленина, бьют колёса машины"
POTHOLE_THIRD = "Большая яма на дороге у дома 5 по ул Ленина, колёса бьют"
RUBBISH = "Третью неделю не вывозят мусор из контейнеров во дворе"


def message(text, *, days_ago=0, sub="01.01", territory="gorsk", address="ул. Ленина, 5",
            status=Status.ON_MODERATION):
    appeal = factories.appeal(subcategory_code=sub, territory_code=territory,
                              address=address, status=status, save=False)
    appeal.text = text
    appeal.save()
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago))
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def place(demo):
    """Three rewordings of one pothole at one address, and around them what must stay
    out: another problem at the address, the same text elsewhere, in another
    subcategory, and two months later."""
    return {
        "first": message(POTHOLE, days_ago=10),
        "second": message(POTHOLE_AGAIN, days_ago=8, address="  УЛ. ЛЕНИНА, 5 "),
        "third": message(POTHOLE_THIRD, days_ago=2),
        "rubbish": message(RUBBISH, days_ago=5),
        "elsewhere": message(POTHOLE, days_ago=5, address="ул. Мира, 12"),
        "other_sub": message(POTHOLE, days_ago=5, sub="01.02"),
        "old": message(POTHOLE, days_ago=70),
        "lone": message("Не горит фонарь у остановки", days_ago=3, address="ул. Мира, 1"),
    }


def test_similar_groups_gather_rewordings_of_one_problem_at_one_place(place):
    groups = similar_groups(Appeal.objects.all())
    assert len(groups) == 1
    group = groups[0]
    assert group.count == 3
    assert group.appeal_ids == sorted([place["first"].pk, place["second"].pk,
                                       place["third"].pk])
    assert group.subcategory.startswith("01.01")
    assert group.territory == "Городской округ Горск"
    assert group.address.strip().lower() == "ул. ленина, 5"


def test_similar_groups_read_only_the_messages_given(place):
    scoped = Appeal.objects.exclude(pk=place["second"].pk).exclude(pk=place["third"].pk)
    assert similar_groups(scoped) == []


def test_similar_groups_largest_first_and_limited(place):
    message("Не горит фонарь у остановки, темно вечером", days_ago=2, address="ул. Мира, 1")
    groups = similar_groups(Appeal.objects.all())
    assert [group.count for group in groups] == [3, 2]
    assert [group.count for group in similar_groups(Appeal.objects.all(), limit=1)] == [3]


def test_possible_duplicates_of_a_message(place):
    found = possible_duplicates(place["third"])
    assert {appeal.pk for appeal in found} == {place["first"].pk, place["second"].pk,
                                               place["elsewhere"].pk}
    assert all(appeal.similarity >= 0.3 for appeal in found)
    assert place["rubbish"] not in found and place["old"] not in found


def test_possible_duplicates_take_nearby_territories_and_leave_rejected(place):
    child = message(POTHOLE, days_ago=1, territory="gorsk-leninsky")
    other = message(POTHOLE, days_ago=1, territory="staromlynsk")
    rejected = message(POTHOLE, days_ago=1, status=Status.REJECTED)
    found = {appeal.pk for appeal in possible_duplicates(place["first"], limit=10)}
    assert child.pk in found
    assert other.pk not in found and rejected.pk not in found
    assert place["first"].pk not in found


def test_no_possible_duplicates_for_a_lone_message(place):
    assert possible_duplicates(place["lone"]) == []


def test_already_reported_finds_open_messages_at_the_same_place(place, demo):
    first = place["first"]
    found = already_reported(demo, first.subcategory, first.territory, "ул Ленина, 5",
                             "яма на дороге")
    assert {appeal.pk for appeal in found} == {place["first"].pk, place["second"].pk,
                                               place["third"].pk, place["rubbish"].pk,
                                               place["old"].pk}
    assert found[0].pk in {place["first"].pk, place["second"].pk, place["third"].pk}


def test_already_reported_leaves_closed_messages_and_other_places(place, demo):
    first = place["first"]
    Appeal.objects.filter(pk__in=[place["second"].pk, place["third"].pk]).update(
        status=Status.CLOSED)
    found = {appeal.pk for appeal in already_reported(
        demo, first.subcategory, first.territory, "ул. Ленина, 5", "")}
    assert place["second"].pk not in found and place["third"].pk not in found
    assert place["elsewhere"].pk not in found and place["other_sub"].pk not in found
    assert already_reported(demo, first.subcategory, first.territory, "  ", "") == []
    assert already_reported(demo, first.subcategory, first.territory, "пр. Победы, 40",
                            "") == []


def test_already_reported_is_one_query_whatever_it_finds(place, demo,
                                                         django_assert_num_queries):
    subcategory, territory = place["first"].subcategory, place["first"].territory
    with django_assert_num_queries(1):
        found = already_reported(demo, subcategory, territory, "ул. Ленина, 5", "яма")
    assert len(found) == 5


def test_possible_duplicates_is_one_query_whatever_it_finds(place,
                                                             django_assert_num_queries):
    third = place["third"]
    third.territory  # the page has it already  # noqa: B018
    with django_assert_num_queries(1):
        found = possible_duplicates(third)
    assert len(found) == 3
