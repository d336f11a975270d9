from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register
from kaifaqu.core.roles import Role

register(NavEntry("orgs", _("Org units"), "orgs:tree", "diagram-3", 100, access.reads_business))
register(
    NavEntry(
        "access",
        _("Roles and departments"),
        "orgs:access",
        "person-badge",
        905,
        lambda u: access.has_role(u, Role.SECURITY_ADMIN),
    )
)
