from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "kaifaqu.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from kaifaqu.core import access, demo

        from . import demo as orgs_demo
        from . import navigation  # noqa: F401  (registers the nav entries)
        from .selectors import department_roles_of

        access.register_department_roles_provider(department_roles_of)
        demo.register("orgs", orgs_demo.load, order=10)
