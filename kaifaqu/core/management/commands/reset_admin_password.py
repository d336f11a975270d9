"""The one way to reset an administrator's or a zone administrator's password: on the server.

No administrator may reset another's through the product (``core.services``); the operator
with a shell on the server runs this. The new password is read from a prompt (twice) or,
without a terminal, from the first line of stdin, never from the command line, where it would
be left in the shell history and the process list. The audit row names the command.
"""

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kaifaqu.core import services
from kaifaqu.core.context import acting
from kaifaqu.core.models import User

ACTOR_LABEL = "system:reset_admin_password"


class Command(BaseCommand):
    help = (
        "Reset an account's password (an administrator's or a zone administrator's), reading "
        "the new password from a prompt or stdin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def read_password(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass("New password: ")
            if first != getpass.getpass("New password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
            return first
        return sys.stdin.readline().rstrip("\r\n")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}; nothing was changed.")
        password = self.read_password()
        try:
            with acting(label=ACTOR_LABEL), transaction.atomic():
                services.user_set_password(actor=None, user=user, password=password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Password of {username} reset."))
