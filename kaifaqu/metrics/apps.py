from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "kaifaqu.metrics"
    label = "metrics"
    verbose_name = _("Metrics and figures")

    def ready(self) -> None:
        from kaifaqu.stats.registry import register_target_codes

        from . import navigation  # noqa: F401  (registers the nav entry)
        from .registry import ledger_target_codes

        register_target_codes(ledger_target_codes)
