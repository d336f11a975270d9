"""The roles of kaifaqu and the separation of duties between them.

Global roles are held by a user as such; department roles (editor, viewer) are held within a
department, so a user in two departments has the rights of both, each within its own data.
The three separated administrators (三员) hold nothing else: a system administrator manages
accounts but reads no business data, a security administrator grants roles, and an audit
administrator reads the audit log only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ZONE_ADMIN = "zone_admin", _("Zone administrator")
    LEADER = "leader", _("Leader")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


class DepartmentRole(models.TextChoices):
    EDITOR = "editor", _("Department editor")
    VIEWER = "viewer", _("Department viewer")


#: The 三员: each excludes every other role, global or departmental.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
#: Global roles that read all business data.
READ_ALL_ROLES = frozenset({Role.ZONE_ADMIN, Role.LEADER})
#: Accounts no single administrator may change or reset (another 三员 or a zone
#: administrator): only the server command ``kaifaqu reset_admin_password`` does.
PROTECTED_ROLES = SEPARATED_ADMIN_ROLES | {Role.ZONE_ADMIN}
