from django.core.management.base import BaseCommand

from cms.kernel.plugins import ESSENTIAL_PLUGIN_NAMES, get_plugin_manager, is_enabled
from cms.models import Region


class Command(BaseCommand):
    help = "List the plugins, the hooks each implements, and whether each region uses it."

    def handle(self, **options):
        pm = get_plugin_manager()
        regions = list(Region.objects.order_by("code"))
        for name, plugin in pm.list_name_plugin():
            declared = pm.declarations[name]
            hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
            origin = getattr(plugin, "__name__", type(plugin).__name__)
            essential = " (essential)" if name in ESSENTIAL_PLUGIN_NAMES else ""
            version = f" {declared.version}" if declared.version else ""
            self.stdout.write(self.style.MIGRATE_HEADING(
                f"{name}{version}{essential}: {declared.verbose_name}  [{origin}]"))
            if declared.description:
                self.stdout.write(f"  {declared.description}")
            self.stdout.write(f"  hooks: {', '.join(hooks) if hooks else '(none)'}")
            for region in regions:
                state = "on" if is_enabled(name, region) else "off"
                self.stdout.write(f"  region {region.code}: {state}")
