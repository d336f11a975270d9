"""The first start of a real zone: the zone administrator and the three separated
administrators (三员), each an account of its own with the password policy applied.

    kaifaqu setup                       # asks for each password at the terminal
    kaifaqu setup --no-input            # passwords from KAIFAQU_SETUP_*_PASSWORD
    kaifaqu setup --if-empty            # does nothing once any account exists (make run DEMO=0)

Passwords are read from a prompt (twice) or from the environment, never from the command
line, where they would stay in the shell history and the process list. Everything is written
in one transaction: a refused password or a taken username creates no account at all. An
installation that already has any of the four roles is refused: the accounts are then managed
in the product (the system administrator opens accounts, the security administrator grants
roles), and a lost administrator's password is reset with ``kaifaqu reset_admin_password``.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kaifaqu.core import services
from kaifaqu.core.context import acting
from kaifaqu.core.models import RoleGrant, User
from kaifaqu.core.roles import Role

ACTOR_LABEL = "system:setup"


@dataclass(frozen=True)
class Seat:
    role: str
    option: str
    default_username: str
    title: str

    @property
    def environment(self) -> str:
        return f"KAIFAQU_SETUP_{self.option.upper()}_PASSWORD"


SEATS = (
    Seat(Role.ZONE_ADMIN, "zone_admin", "zoneadmin", "zone administrator"),
    Seat(Role.SYSTEM_ADMIN, "system_admin", "sysadmin", "system administrator"),
    Seat(Role.SECURITY_ADMIN, "security_admin", "secadmin", "security administrator"),
    Seat(Role.AUDIT_ADMIN, "audit_admin", "auditadmin", "audit administrator"),
)


class Command(BaseCommand):
    help = (
        "Set up a new installation: create the zone administrator and the system, security "
        "and audit administrators, each with their own password (from a prompt, or from "
        "KAIFAQU_SETUP_*_PASSWORD with --no-input)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        for seat in SEATS:
            parser.add_argument(
                f"--{seat.option.replace('_', '-')}",
                dest=seat.option,
                default=seat.default_username,
                help=f"username of the {seat.title} (default {seat.default_username})",
            )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="read the passwords from the environment only",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database holds any account already",
        )

    def password_for(self, seat: Seat, username: str, interactive: bool) -> str:
        given = os.environ.get(seat.environment, "")
        if given:
            return given
        if not (interactive and sys.stdin.isatty()):
            raise CommandError(
                f"No password for the {seat.title} ({username}): set {seat.environment} or run "
                "the command at a terminal. Nothing was created."
            )
        first = getpass.getpass(f"Password of the {seat.title} {username}: ")
        if first != getpass.getpass(f"Password of the {seat.title} {username} (again): "):
            raise CommandError("The two passwords differ. Nothing was created.")
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Accounts exist already: nothing to set up.")
            return
        held = sorted(
            RoleGrant.objects.filter(role__in=[s.role for s in SEATS]).values_list(
                "role", flat=True
            )
        )
        if held:
            raise CommandError(
                f"This installation is set up already (roles held: {', '.join(held)}). Manage "
                "accounts in the back office; reset an administrator's password with "
                "`kaifaqu reset_admin_password`."
            )
        usernames = [options[s.option] for s in SEATS]
        if len(set(usernames)) != len(usernames):
            raise CommandError(
                "Each administrator needs an account of their own (三员 separation): give four "
                "different usernames. Nothing was created."
            )
        passwords = [
            self.password_for(seat, name, options["interactive"])
            for seat, name in zip(SEATS, usernames, strict=True)
        ]
        with acting(label=ACTOR_LABEL), transaction.atomic():
            for seat, username, password in zip(SEATS, usernames, passwords, strict=True):
                try:
                    user = services.user_create(actor=None, username=username, password=password)
                    services.role_grant(actor=None, user=user, role=seat.role)
                except ValidationError as error:
                    raise CommandError(
                        f"The {seat.title} {username}: {' '.join(error.messages)} "
                        "Nothing was created."
                    ) from error
        for seat, username in zip(SEATS, usernames, strict=True):
            self.stdout.write(f"{seat.title}: {username}")
        self.stdout.write(
            self.style.SUCCESS(
                "Set up. Sign in at /accounts/login/ as the zone administrator; each account "
                "sets up its second factor at its first sign-in."
            )
        )
