from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

register(NavEntry("figures", _("Figures"), "metrics:list", "graph-up", 200, access.reads_business))
