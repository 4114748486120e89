from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "cms.operations"
    label = "pos_operations"
    verbose_name = "Operations"

    def ready(self):
        from . import request_id, sessions  # noqa: F401  (connect their signals)
