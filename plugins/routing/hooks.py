"""Hook implementations of the routing plugin (see cms/kernel/hookspecs.py for the contracts)."""

from cms.kernel.plugins import hookimpl

from .models import RoutingSettings
from .resolver import route
from .routing_file import RoutingFile


@hookimpl
def choose_addressee(appeal):
    # None when no rule covers the message: the core then answers with the region's
    # default moderating organisation and says that no rule matched.
    return route(appeal)


@hookimpl
def region_config_files():
    return [RoutingFile()]


@hookimpl
def region_settings_models():
    return [RoutingSettings]


@hookimpl
def region_readiness_checks(region):
    from .readiness import routing_readiness

    return routing_readiness(region)
