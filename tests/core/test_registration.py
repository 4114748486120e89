import uuid

from django.core import mail

from cms.models import AppealEvent, EventKind, Status
from cms.submission.registration import NewAppeal, do_register_appeal
from tests import factories


def new_appeal(region, **overrides):
    sub = factories.subcategory("01.01")
    data = dict(
        region=region, citizen=factories.user(email="c@example.org"), category=sub.category,
        subcategory=sub, territory=factories.territory("gorsk"), text="Яма у дома 5",
    )
    data.update(overrides)
    return NewAppeal(**data)


def test_registration_numbers_routes_and_records_history(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal, created = do_register_appeal(new_appeal(demo))
    assert created
    assert appeal.number.startswith("DEMO-")
    assert appeal.status == Status.ON_MODERATION
    assert appeal.deadline > appeal.created_at
    kinds = list(AppealEvent.objects.filter(appeal=appeal).values_list("kind", flat=True))
    assert kinds[0] == EventKind.REGISTERED and EventKind.ROUTED in kinds
    # The citizen's confirmation (moderators are told of the new message separately).
    to_citizen = [m for m in mail.outbox if m.to == ["c@example.org"]]
    assert len(to_citizen) == 1 and appeal.number in to_citizen[0].subject


def test_numbers_are_sequential_per_region_and_year(demo):
    first, _ = do_register_appeal(new_appeal(demo))
    second, _ = do_register_appeal(new_appeal(demo))
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1


def test_the_same_submission_key_registers_one_message(demo):
    key = uuid.uuid4()
    first, created_first = do_register_appeal(new_appeal(demo, idempotency_key=key))
    again, created_again = do_register_appeal(new_appeal(demo, idempotency_key=key))
    assert created_first and not created_again
    assert again.pk == first.pk
