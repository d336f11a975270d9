from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "kaifaqu.consultations"
    label = "consultations"
    verbose_name = _("Investor consultations")

    def ready(self) -> None:
        from django.db.models import Q

        from kaifaqu.core import demo
        from kaifaqu.core.selectors import register_public_accounts

        from . import (
            dashboard,  # noqa: F401  (registers its dashboard entries)
            navigation,  # noqa: F401  (registers the inbox's nav entry)
        )
        from . import demo as consultations_demo

        # After the investment ledger (40), whose department and officer it routes to.
        demo.register("consultations", consultations_demo.load, order=50)
        # Visitors' accounts are theirs, not staff accounts: the account list leaves them out.
        register_public_accounts(Q(visitor__isnull=False))
