"""Reset any account's second factor on the server, an administrator's included.

The security administrator resets other accounts' on the security page; no administrator may
reset another administrator's or a zone administrator's (``core.services``), so the operator
with a shell on the server does. The account enrols again at its next sign-in. The audit row
names the command.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kaifaqu.core import services
from kaifaqu.core.context import acting
from kaifaqu.core.models import User

ACTOR_LABEL = "system:reset_second_factor"


class Command(BaseCommand):
    help = "Remove an account's authenticator and recovery codes; it enrols again at sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}; nothing was changed.")
        with acting(label=ACTOR_LABEL), transaction.atomic():
            reset = services.second_factor_reset(actor=None, user=user)
        if reset:
            self.stdout.write(self.style.SUCCESS(f"Second factor of {username} reset."))
        else:
            self.stdout.write(f"{username} has no second factor set up; nothing was changed.")
