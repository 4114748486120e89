"""A section of the admin's "Region settings" page (`region_settings_models`)."""

from cms.kernel.plugins import hookimpl

from .models import ExampleSettings

__all__ = ["region_settings_models"]


@hookimpl
def region_settings_models():
    return [ExampleSettings]
