from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

register(
    NavEntry(
        "reports", _("Reports"), "reports:list", "file-earmark-text", 210, access.reads_business
    )
)
