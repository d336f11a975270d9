from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kaifaqu.portal"
    label = "portal"
    verbose_name = _("Investor portal")

    def ready(self) -> None:
        from kaifaqu.core import demo
        from kaifaqu.core.views.errors import register_public_frame

        from . import demo as portal_demo
        from . import navigation  # noqa: F401  (registers the nav entry)

        demo.register("portal", portal_demo.load, order=45)
        # The public's 403 and 404 pages are drawn in the public site's frame.
        register_public_frame("portal/public_base.html")
