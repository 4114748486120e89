"""A test-only plugin: it adds one of each kind of extension through the kernel's hooks,
without touching `cms/`, to prove the plugin contract end to end.

It is found like any installed plugin, through the `pos.plugins` entry point of its
distribution (`tests/example_plugin_dist/`, put on `sys.path` by the test settings), and
it is a Django app (its page type and settings model need tables). It is on in the
demo region like any installed plugin, so each extension is made to stay out of the way
of the rest of the suite (a queue nobody counts, a section in one e-mail only, ...).
"""

from django.utils.translation import gettext_lazy as _

from cms.kernel.plugins import Plugin

plugin = Plugin(
    name="example",
    verbose_name=_("Example plugin"),
    description="A plugin of the test suite that uses every extension point.",
    version="1.0",
    hooks="tests.example_plugin.hooks",
)
