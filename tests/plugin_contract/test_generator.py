"""The `messages_generated` hook: a plugin adds its rows to each generated batch through
the generator's writer and seeded random source, only where it is on."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import transaction

from cms import generator
from cms.kernel.plugins import build_plugin_manager, hookimpl
from cms.models import Appeal, AppealEvent, Status

END = datetime(2026, 11, 1, tzinfo=dt_timezone.utc)
KIND = "generated_note"


class NotingPlugin:
    """Writes one event of its own per published answer, with a draw from the batch's
    random source, and remembers the batches it saw."""

    def __init__(self):
        self.batches = []

    @hookimpl
    def messages_generated(self, region, batch):
        self.batches.append((region.code, [message.id for message in batch.messages]))
        answered = [message for message in batch.messages if message.answer_id]
        first = batch.writer.reserve(AppealEvent, len(answered))
        batch.writer.write(AppealEvent, ("id", "appeal", "kind", "created_at", "to_value",
                                         "from_value", "reason", "data", "is_public"), [
            (first + i, message.id, KIND, min(message.answered_at, batch.end),
             str(batch.rng.randint(1, 10**6)), "", "", {}, False)
            for i, message in enumerate(answered)])


def noted(region) -> list[tuple[str, str]]:
    return sorted(AppealEvent.objects.filter(appeal__region=region, kind=KIND)
                  .values_list("appeal__number", "to_value"))


class Rollback(Exception):
    pass


def generated_and_noted(region, pm, plugin) -> list[tuple[str, str]]:
    """Generate 90 messages in batches of 40, check what the plugin saw, undo it all."""
    try:
        with transaction.atomic():
            counts = generator.generate(region, 90, seed=4, prefix="H-", end=END, batch=40,
                                        pm=pm)
            # Called once per batch, with exactly the messages it wrote.
            assert [len(ids) for _code, ids in plugin.batches[-3:]] == [40, 40, 10]
            assert sorted(id_ for _code, ids in plugin.batches[-3:] for id_ in ids) == sorted(
                Appeal.objects.filter(number__startswith="H-").values_list("pk", flat=True))
            answered = Appeal.objects.filter(number__startswith="H-",
                                             status__in=[Status.ANSWERED, Status.CLOSED])
            rows = noted(region)
            assert len(rows) == answered.count() > 0
            assert counts["cms.AppealEvent"] >= len(rows)
            raise Rollback
    except Rollback:
        return rows


def test_hook_messages_generated(demo):
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    plugin = NotingPlugin()
    pm.register(plugin, name="noting")
    first = generated_and_noted(demo, pm, plugin)
    # The batch's random source is seeded: the same seed draws the same values.
    assert generated_and_noted(demo, pm, plugin) == first
    assert len(plugin.batches) == 6
    assert {code for code, _ids in plugin.batches} == {demo.code}


def test_hook_messages_generated_skips_a_region_where_the_plugin_is_off(demo):
    pm = build_plugin_manager(default_plugins=(), load_entry_points=False)
    plugin = NotingPlugin()
    pm.register(plugin, name="noting")
    demo.disabled_plugins = ["noting"]
    demo.save(update_fields=["disabled_plugins"])
    generator.generate(demo, 30, seed=4, prefix="H-", end=END, pm=pm)
    assert plugin.batches == []
    assert noted(demo) == []
    assert Appeal.objects.filter(number__startswith="H-").count() == 30
