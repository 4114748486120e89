"""Anonymising citizens' contact data after the retention period (152-ФЗ).

What goes and what stays:

- A message closed or rejected longer ago than its region's period (the time of its last
  status change; `RetentionSettings`, five years by default) loses the citizen's contact
  snapshot: the name and the phone become the marker («обезличено»: `MARKER` in the
  installation's language, since it is stored), the e-mail address is
  removed (every notification path skips an empty address, so nothing can be sent to it
  again, even if a curator reopens the message), and `anonymised_at` says when. Text
  answers to the page's extra questions become the marker too (regions ask there for a
  flat number or a time to call); yes/no answers stay. The citizen's files keep their
  content (photos of the problem are the evidence the answer refers to) but lose their
  original names. The outbox's letters to the citizen lose the address; one still
  waiting to be sent is failed.
- The text, the place (address and point), category, organisation, history, answers and
  ratings stay: they are the message itself and what the reports and open data count.
  The text is the substance the answer responds to; cutting names out of free text
  cannot be done reliably, so it is kept as the archived appeal is.
- A citizen account with no message still in work (anything not closed or rejected,
  an answer waiting for its rating included) and no activity (a login, or a message
  filed for them through the API) for the longest period any region sets is anonymised
  in place, never deleted (its messages point at it): name, e-mail, phone and the
  identity provider's subject go, and it can no longer log in. The same person logging
  in again gets a new, empty account.

Everything runs in batches of `BATCH_SIZE` rows, each in its own short transaction, and
picks up only what is not anonymised yet: a run that stops half-way is finished by the
next one, and running twice changes nothing the second time. The scheduled task gives a
run a time limit inside the worker's task timeout and enqueues itself again when it
reaches it. Each run writes one audit record per region (and one for the accounts) with
its counts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import CharField, Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from cms import audit
from cms.accounts.models import CitizenProfile
from cms.models import (
    Appeal,
    AppealEvent,
    Attachment,
    AttachmentKind,
    AuditKind,
    EventKind,
    Notification,
    NotificationState,
    Region,
    StaffMembership,
    Status,
)

from .models import DEFAULT_RETENTION_DAYS, RetentionSettings

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Statuses in which nobody works on the message any more: only these are anonymised.
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED)
# The snapshot key that says the message's contact data is anonymised (and when).
ANONYMISED_KEY = "anonymised_at"
# Anonymised accounts are renamed "anonymised-<id>": unique, and free for a new login.
ACCOUNT_PREFIX = "anonymised-"

MARKER = gettext_lazy("anonymised")


def marker() -> str:
    """The marker as stored: in the installation's language, whatever a request says."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(MARKER)


def is_anonymised(appeal: Appeal) -> bool:
    return ANONYMISED_KEY in (appeal.citizen_snapshot or {})


@dataclass
class RunCounts:
    """What one run changed (or, in a dry run, would change) in one scope."""

    messages: int = 0
    files: int = 0
    letters: int = 0
    accounts: int = 0
    # False when the run stopped at its time limit with work left (the next run goes on).
    complete: bool = True


def _out_of_time(stop_at: float | None) -> bool:
    return stop_at is not None and time.monotonic() >= stop_at


# --- messages ----------------------------------------------------------------------------


def retention_days(region: Region) -> int:
    return RetentionSettings.for_region(region).personal_data_retention_days


def due_messages(region: Region, now: datetime):
    """The region's messages whose contact data is due: closed or rejected, with no status
    change since the period began, and not anonymised yet."""
    cutoff = now - timedelta(days=retention_days(region))
    changed_since = AppealEvent.objects.filter(
        appeal=OuterRef("pk"), kind=EventKind.STATUS_CHANGED, created_at__gt=cutoff)
    return (Appeal.objects.filter(region=region, status__in=FINAL_STATUSES,
                                  created_at__lte=cutoff)
            .exclude(citizen_snapshot__has_key=ANONYMISED_KEY)
            .exclude(Exists(changed_since)))


def anonymised_snapshot(now: datetime) -> dict:
    mark = marker()
    return {"full_name": mark, "email": "", "phone": mark, ANONYMISED_KEY: now.isoformat()}


def anonymised_answers(answers: dict) -> dict:
    """Free-text answers become the marker; yes/no, numbers and empty answers stay."""
    mark = marker()

    def scrub(value):
        return mark if isinstance(value, str) and value.strip() else value

    result = {}
    for key, item in (answers or {}).items():
        if isinstance(item, dict) and "value" in item:
            result[key] = {**item, "value": scrub(item["value"])}
        else:
            result[key] = scrub(item)
    return result


def _fail_and_forget_letters(letters) -> int:
    """The outbox rows lose their address; one not sent yet will never be."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("The address was anonymised (personal data retention).")
    letters.filter(state=NotificationState.PENDING).update(
        state=NotificationState.FAILED, last_error=reason)
    return letters.exclude(email="").update(email="")


def _anonymise_message_batch(region: Region, pks: list[int], now: datetime) -> RunCounts:
    with transaction.atomic():
        # The candidate test again, on locked rows: one reopened meanwhile is left alone.
        rows = list(due_messages(region, now).filter(pk__in=pks).select_for_update()
                    .only("pk", "citizen_id", "citizen_snapshot", "extra_answers"))
        if not rows:
            return RunCounts()
        ids = [row.pk for row in rows]
        emails = {row.citizen_snapshot.get("email") for row in rows} - {None, ""}
        Appeal.objects.filter(pk__in=ids).update(citizen_snapshot=anonymised_snapshot(now))
        changed = []
        for row in rows:
            answers = anonymised_answers(row.extra_answers)
            if answers != row.extra_answers:
                row.extra_answers = answers
                changed.append(row)
        Appeal.objects.bulk_update(changed, ["extra_answers"])
        files = (Attachment.objects.filter(appeal_id__in=ids, kind=AttachmentKind.CITIZEN)
                 .exclude(original_name="").update(original_name=marker()))
        citizens = {row.citizen_id for row in rows} - {None}
        letters = Notification.objects.filter(appeal_id__in=ids).filter(
            Q(recipient_id__in=citizens) | Q(email__in=emails))
        return RunCounts(messages=len(ids), files=files,
                         letters=_fail_and_forget_letters(letters))


def _batches(queryset, batch_size: int):
    """Primary keys in ascending batches: each batch is read afresh, so rows anonymised
    (and dropping out of the queryset) never shift the next batch."""
    last = 0
    while True:
        pks = list(queryset.filter(pk__gt=last).order_by("pk")
                   .values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        last = pks[-1]
        yield pks


def anonymise_region(region: Region, *, now: datetime | None = None, dry_run: bool = False,
                     batch_size: int = BATCH_SIZE, stop_at: float | None = None
                     ) -> RunCounts:
    """Anonymise the region's due messages, batch by batch; one audit record at the end
    (none in a dry run, which only counts the messages). With `stop_at` (a
    `time.monotonic()` value) it stops after the batch that reaches it."""
    now = now or timezone.now()
    total = RunCounts()
    for number, pks in enumerate(_batches(due_messages(region, now), batch_size), 1):
        if dry_run:
            total.messages += len(pks)
            continue
        counts = _anonymise_message_batch(region, pks, now)
        total.messages += counts.messages
        total.files += counts.files
        total.letters += counts.letters
        logger.info("Retention: region %s, batch %d: %d messages anonymised (%d so far).",
                    region.code, number, counts.messages, total.messages)
        # A short batch was the last one: nothing is left for another run.
        if len(pks) == batch_size and _out_of_time(stop_at):
            total.complete = False
            break
    if not dry_run:
        _record(gettext_lazy("Personal data anonymised in the region %(region)s"),
                {"region": region.code, "retention_days": retention_days(region),
                 **asdict(total)}, region=region)
    return total


# --- accounts ----------------------------------------------------------------------------


def account_retention_days() -> int:
    """The longest period any region sets: an account serves every region it wrote to."""
    periods = [RetentionSettings.objects.aggregate(
        days=Max("personal_data_retention_days"))["days"] or 0]
    if not periods[0] or Region.objects.filter(retention_settings__isnull=True).exists():
        periods.append(DEFAULT_RETENTION_DAYS)  # a region without a row has the default
    return max(periods)


def due_accounts(now: datetime):
    """Citizen accounts idle for the period, with nothing in work, not anonymised yet."""
    cutoff = now - timedelta(days=account_retention_days())
    in_work = Appeal.objects.filter(citizen=OuterRef("pk")).exclude(status__in=FINAL_STATUSES)
    staff = StaffMembership.objects.filter(user=OuterRef("pk"))
    return (get_user_model().objects
            .filter(citizen_profile__isnull=False, is_superuser=False, is_staff=False)
            .exclude(username__startswith=ACCOUNT_PREFIX)
            .annotate(active_at=Greatest(
                Coalesce("last_login", "date_joined"),
                Coalesce("citizen_profile__last_login_claims_at", "date_joined")))
            .filter(active_at__lte=cutoff)
            .exclude(Exists(in_work)).exclude(Exists(staff)))


def _anonymise_account_batch(pks: list[int], now: datetime) -> int:
    mark = marker()
    with transaction.atomic():
        ids = list(due_accounts(now).filter(pk__in=pks).select_for_update(of=("self",))
                   .values_list("pk", flat=True))
        if not ids:
            return 0
        get_user_model().objects.filter(pk__in=ids).update(
            username=Concat(Value(ACCOUNT_PREFIX), Cast("pk", CharField())),
            first_name=mark, last_name="", email="", is_active=False,
            password=make_password(None))
        # The provider's subject identifies the person: it goes, and frees the next login
        # of the same person to make a new account.
        CitizenProfile.objects.filter(user_id__in=ids).update(
            provider_subject=Concat(Value(ACCOUNT_PREFIX), Cast("user_id", CharField())),
            phone=mark, notification_email="", notification_email_chosen=False)
        _fail_and_forget_letters(Notification.objects.filter(recipient_id__in=ids))
        return len(ids)


def anonymise_accounts(*, now: datetime | None = None, dry_run: bool = False,
                       batch_size: int = BATCH_SIZE, stop_at: float | None = None
                       ) -> RunCounts:
    now = now or timezone.now()
    total = RunCounts()
    for number, pks in enumerate(_batches(due_accounts(now), batch_size), 1):
        done = len(pks) if dry_run else _anonymise_account_batch(pks, now)
        total.accounts += done
        if not dry_run:
            logger.info("Retention: accounts, batch %d: %d anonymised (%d so far).",
                        number, done, total.accounts)
            if len(pks) == batch_size and _out_of_time(stop_at):
                total.complete = False
                break
    if not dry_run:
        _record(gettext_lazy("Citizen accounts anonymised"),
                {"retention_days": account_retention_days(), **asdict(total)})
    return total


def _record(what, data: dict, region: Region | None = None) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = str(what) % {"region": region.code} if region else str(what)
    audit.record(kind=AuditKind.RETENTION, what=text, data={"task": "retention", **data})


def anonymise_personal_data(*, region_code: str | None = None, dry_run: bool = False,
                            now: datetime | None = None, batch_size: int = BATCH_SIZE,
                            time_limit: float | None = None) -> dict[str, RunCounts]:
    """The whole run: every region (or one), then the accounts (only on a whole run: an
    account is not one region's). Returns the counts by region code, "accounts" last.

    With `time_limit` (seconds) the run stops after the batch that reaches it and leaves
    the rest to the next run: a region's first run over years of closed messages must
    not outlive the worker's task timeout. Every scope run gets its audit record; the
    scopes not reached are absent from the result (`is_complete` says so)."""
    now = now or timezone.now()
    stop_at = None if time_limit is None else time.monotonic() + time_limit
    regions = Region.objects.order_by("code")
    if region_code is not None:
        regions = regions.filter(code=region_code)
        if not regions.exists():
            raise Region.DoesNotExist(region_code)
    result: dict[str, RunCounts] = {}
    for region in regions:
        result[region.code] = anonymise_region(region, now=now, dry_run=dry_run,
                                               batch_size=batch_size, stop_at=stop_at)
        # Stopped inside this region: the next run starts again from the first region,
        # whose finished work costs one empty query, so every run moves on by a batch.
        if not result[region.code].complete:
            return result
    if region_code is None:
        result["accounts"] = anonymise_accounts(now=now, dry_run=dry_run,
                                                batch_size=batch_size, stop_at=stop_at)
    return result


def is_complete(result: dict[str, RunCounts], region_code: str | None = None) -> bool:
    """Whether a run's result covers everything it was asked to do."""
    wanted = {region_code} if region_code else {
        *Region.objects.values_list("code", flat=True), "accounts"}
    return wanted <= result.keys() and all(counts.complete for counts in result.values())
