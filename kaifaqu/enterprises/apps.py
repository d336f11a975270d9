from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "kaifaqu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from kaifaqu.core import demo

        from . import demo as enterprises_demo

        demo.register("enterprises", enterprises_demo.load, order=35)
