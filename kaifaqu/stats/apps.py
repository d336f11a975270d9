from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "kaifaqu.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from kaifaqu.core import demo

        from . import (
            dashboard,  # noqa: F401  (registers its dashboard entries)
            navigation,  # noqa: F401  (registers the nav entry)
        )
        from . import demo as stats_demo
        from .workbook import preview  # noqa: F401  (registers the workbook for its jobs)

        demo.register("stats", stats_demo.load, order=20)
