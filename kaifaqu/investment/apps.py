from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "kaifaqu.investment"
    label = "investment"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from kaifaqu.core import demo
        from kaifaqu.metrics.registry import register_ledger_metric

        from . import (
            dashboard,  # noqa: F401  (registers its dashboard entries)
            navigation,  # noqa: F401  (registers the nav entry)
        )
        from . import demo as investment_demo
        from .metrics import METRICS
        from .workbook import preview  # noqa: F401  (registers the workbook for its jobs)

        for metric in METRICS:
            register_ledger_metric(metric)
        # After the carriers (30) and the enterprises' catalogue (35) it links to.
        demo.register("investment", investment_demo.load, order=40)
