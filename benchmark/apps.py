from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """`manage.py pos_benchmark`. Installed only by `pos_site.settings.benchmark` (and the
    test settings, which test it): the product never ships or serves it."""

    name = "benchmark"
    label = "benchmark"
    verbose_name = "Benchmark"
