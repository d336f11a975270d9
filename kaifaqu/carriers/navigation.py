from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

register(
    NavEntry("carriers", _("Carriers"), "carriers:list", "building", 260, access.reads_business)
)
