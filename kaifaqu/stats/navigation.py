from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

register(
    NavEntry("stats", _("Statistics"), "stats:workbook", "table", 150, access.changes_some_business)
)
register(
    NavEntry(
        "stats_entry",
        _("Data entry"),
        "stats:entry",
        "input-cursor-text",
        155,
        access.changes_some_business,
    )
)
register(
    NavEntry(
        "stats_checks",
        _("Data checks"),
        "stats:violations",
        "check2-square",
        157,
        access.reads_business,
    )
)
