from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "cms.operations"
    label = "pos_operations"
    verbose_name = "Operations"

    def ready(self):
        from . import sessions  # noqa: F401  (connects the login signal)
