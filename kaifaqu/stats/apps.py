from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "kaifaqu.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from kaifaqu.core import demo

        from . import demo as stats_demo
        from . import navigation  # noqa: F401  (registers the nav entry)
        from .workbook import preview  # noqa: F401  (registers the workbook for its jobs)

        demo.register("stats", stats_demo.load, order=20)
