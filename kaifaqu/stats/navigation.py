from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

register(
    NavEntry("stats", _("Statistics"), "stats:workbook", "table", 150, access.changes_some_business)
)
