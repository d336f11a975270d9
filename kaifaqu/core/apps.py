from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kaifaqu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks, duties, navigation, signals  # noqa: F401  (signals, nav, checks, dashboard)
