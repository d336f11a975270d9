"""The one way to take an administrator's or a zone administrator's role away: on the server.

No administrator may do it through the product (``core.services.role_revoke``), so no one
security administrator can strip the other administrators; the operator with a shell on the
server runs this, and the audit row names the command.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kaifaqu.core import services
from kaifaqu.core.context import acting
from kaifaqu.core.models import User
from kaifaqu.core.roles import Role

ACTOR_LABEL = "system:revoke_admin_role"


class Command(BaseCommand):
    help = "Take a global role (an administrator's or a zone administrator's) from an account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}; nothing was changed.")
        try:
            with acting(label=ACTOR_LABEL), transaction.atomic():
                services.role_revoke(actor=None, user=user, role=options["role"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Role {options['role']} taken from {username}."))
