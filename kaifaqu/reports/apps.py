from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kaifaqu.reports"
    label = "reports"
    verbose_name = _("Work reports")

    def ready(self) -> None:
        from kaifaqu.core import demo

        from . import demo as reports_demo
        from . import navigation  # noqa: F401  (registers the nav entry)

        demo.register("reports", reports_demo.run, order=60)
