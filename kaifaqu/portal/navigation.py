from django.utils.translation import gettext_lazy as _

from kaifaqu.core import access
from kaifaqu.core.navigation import NavEntry, register

# Readers of business data see the library (the policies of the departments they read), as
# with the other ledgers' entries; changing is checked per policy.
register(
    NavEntry(
        "policies",
        _("Policy library"),
        "portal:policy_admin",
        "journal-text",
        270,
        access.reads_business,
    )
)
