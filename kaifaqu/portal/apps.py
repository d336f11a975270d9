from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kaifaqu.portal"
    label = "portal"
    verbose_name = _("Investor portal")

    def ready(self) -> None:
        from kaifaqu.core import demo

        from . import demo as portal_demo
        from . import navigation  # noqa: F401  (registers the nav entry)

        demo.register("portal", portal_demo.load, order=45)
