from django.apps import AppConfig


class ExamplePluginConfig(AppConfig):
    name = "tests.example_plugin"
    label = "example_plugin"
    verbose_name = "Example plugin"
    default_auto_field = "django.db.models.BigAutoField"
