"""What the Open311 plugin keeps: the integrations a region admits (with their hashed API
keys), the points that place coordinates in a territory, and the link from an API-filed
message to the integration that filed it.

An API key is shown once, when it is issued; the database holds its prefix (to find the
row) and the SHA-256 of the whole key (to check it). The key carries 256 random bits, so a
fast hash is enough: nobody can guess a preimage, and checking costs one lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_SCHEME = "o311"
PREFIX_LENGTH = 8  # hex characters


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """The prefix of a well-formed key `o311_<prefix>_<secret>`, with the key; else None."""
    scheme, _sep, rest = key.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != KEY_SCHEME or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix, key


class Integration(models.Model):
    """A system allowed to file messages into one region through the API (the ЕПГУ, a city
    app, a call centre), with its key, the services it may file, and its rate limit."""

    # Reference data, not Wagtail content: no "usage" to track, and a region's load
    # would otherwise update Wagtail's reference index once per saved row.
    wagtail_reference_index_ignore = True

    region = models.ForeignKey("cms.Region", verbose_name=_("region"),
                               on_delete=models.PROTECT,
                               related_name="open311_integrations")
    name = models.CharField(_("name"), max_length=100)
    channel_label = models.CharField(
        _("channel shown to staff"), max_length=100,
        help_text=_("How the message's channel reads in the queues, for example "
                    "“ЕПГУ” or “API: городское приложение”."))
    services = models.ManyToManyField(
        "cms.Subcategory", verbose_name=_("services it may file"), blank=True,
        related_name="+",
        help_text=_("Leave empty to allow every service the region's pages offer."))
    vouches_for_esia = models.BooleanField(
        _("identifies citizens through ЕСИА"), default=False,
        help_text=_("Only such an integration may file messages: it passes the citizen's "
                    "ЕСИА identifier, and the citizen's account is found or created as "
                    "at the portal's login."))
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=60,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)])
    note = models.TextField(_("note"), blank=True)
    key_prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, unique=True,
                                  null=True, blank=True, editable=False)
    key_hash = models.CharField(max_length=64, blank=True, editable=False)
    key_issued_at = models.DateTimeField(_("key issued at"), null=True, blank=True,
                                         editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   editable=False, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API integration")
        verbose_name_plural = _("API integrations")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"],
                                    name="open311_integration_name_per_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def issue_key(self) -> str:
        """A new key replacing any earlier one; returns the plain key, kept nowhere."""
        while True:
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not Integration.objects.filter(key_prefix=prefix).exclude(pk=self.pk).exists():
                break
        # Hex only: a double click selects the whole key for copying.
        key = f"{KEY_SCHEME}_{prefix}_{secrets.token_hex(32)}"
        self.key_prefix = prefix
        self.key_hash = hash_key(key)
        self.key_issued_at = timezone.now()
        self.save(update_fields=["key_prefix", "key_hash", "key_issued_at"])
        return key

    def key_matches(self, key: str) -> bool:
        return bool(self.key_hash) and hmac.compare_digest(self.key_hash, hash_key(key))

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class TerritoryPoint(models.Model):
    """Where a territory lies, roughly: coordinates within `radius_km` of the point belong
    to it (the smallest circle wins where circles overlap). Territories carry no
    geometry; these points come from the region's `open311.json`."""

    territory = models.OneToOneField("cms.Territory", verbose_name=_("territory"),
                                     on_delete=models.CASCADE, related_name="open311_point")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6,
                                    validators=[MinValueValidator(-180),
                                                MaxValueValidator(180)])
    radius_km = models.DecimalField(_("radius, km"), max_digits=7, decimal_places=2,
                                    validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("territory point")
        verbose_name_plural = _("territory points")

    def __str__(self) -> str:
        return f"{self.territory}: {self.latitude}, {self.longitude}"


class FiledRequest(models.Model):
    """A message filed through the API: which integration filed it, the token the spec
    returns before the message has an id, and the location as it was sent."""

    appeal = models.OneToOneField("cms.Appeal", verbose_name=_("message"),
                                  on_delete=models.CASCADE, related_name="open311_filing")
    integration = models.ForeignKey(Integration, verbose_name=_("API integration"),
                                    on_delete=models.PROTECT,
                                    related_name="filed_requests")
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    media_url = models.URLField(_("media address"), max_length=2000, blank=True)
    given_location = models.JSONField(_("location as sent"), default=dict, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API-filed message")
        verbose_name_plural = _("API-filed messages")

    def __str__(self) -> str:
        return str(self.token)
