from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks: the `generate_archive` command that writes synthetic archives."""

    name = "bench"
    verbose_name = "Benchmarks"
