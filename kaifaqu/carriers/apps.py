from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarriersConfig(AppConfig):
    name = "kaifaqu.carriers"
    label = "carriers"
    verbose_name = _("Carriers")

    def ready(self) -> None:
        from kaifaqu.core import demo
        from kaifaqu.metrics.registry import register_ledger_metric

        from . import (
            dashboard,  # noqa: F401  (registers its dashboard entries)
            navigation,  # noqa: F401  (registers the nav entry)
        )
        from . import demo as carriers_demo
        from .ledger import METRIC

        register_ledger_metric(METRIC)
        demo.register("carriers", carriers_demo.load, order=30)
