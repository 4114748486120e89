from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingConfig(AppConfig):
    """The citizen's 1–5 rating of an answer, through a signed link in an e-mail."""

    name = "plugins.rating"
    label = "rating"
    verbose_name = _("Rating")
