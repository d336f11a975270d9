from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "kaifaqu.metrics"
    label = "metrics"
    verbose_name = _("Metrics and figures")

    def ready(self) -> None:
        from kaifaqu.core import demo
        from kaifaqu.stats.registry import register_target_codes

        from . import (
            dashboard,  # noqa: F401  (registers the dashboard's key figures)
            navigation,  # noqa: F401  (registers the nav entry)
        )
        from . import demo as metrics_demo
        from .registry import ledger_target_codes

        register_target_codes(ledger_target_codes)
        # After the catalogue (20) and the ledgers (40), whose metrics it names.
        demo.register("metrics", metrics_demo.load, order=42)
