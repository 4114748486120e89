"""The fast-track plugin's declaration, as region editors and operators read it."""

from django.utils import translation

import plugins.fasttrack


def test_the_verbose_name_reads_in_the_users_language():
    verbose_name = plugins.fasttrack.plugin.verbose_name
    with translation.override("ru"):
        assert str(verbose_name) == "Сроки и быстрые треки"
    with translation.override("en"):
        assert str(verbose_name) == "Deadlines and fast tracks"
