"""The staff admin's one table: the version of what every admin page of a role reads.

`cms.staff_admin.shell` remembers, in each process, what is the same for every request
of a role (the menu's permissions, the filters' reference lists, the admin's name). A
change to any of it bumps this one row in the change's own transaction; every request
reads the row in the query it makes anyway, so every process sees the change on its very
next request, without a shared cache.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShellVersion(models.Model):
    """One row (pk 1): a counter bumped by every change the admin shell remembers."""

    value = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("admin shell version")
        verbose_name_plural = _("admin shell versions")
