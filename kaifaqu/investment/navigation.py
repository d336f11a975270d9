from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

# Every business reader: what each sees is the projects of the departments they read.
register(
    NavEntry(
        "investment",
        _("Investment projects"),
        "investment:kanban",
        "kanban",
        250,
        access.reads_business,
    )
)
