"""``kaifaqu serve``: every step a production start needs, then the process becomes gunicorn.

The steps: ``check --deploy`` (refusing at a warning, as ``make deploy-check`` does), the
migrations, and ``collectstatic``, which writes the hashed files and the manifest that the
production static storage reads (without it every page answers 500). Nothing is compiled at
run time: the translations' ``.mo`` files are committed. ``--prepare-only`` stops before
serving (``make deploy-prepare``, an upgrade before a restart).

gunicorn replaces this process (exec, not a child), so systemd's signals reach it directly:
``systemctl reload`` sends it HUP (new workers, no dropped request), ``stop`` sends TERM.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

WSGI_APPLICATION = "kaifaqu.config.wsgi:application"
FAIL_LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]


def gunicorn_argv() -> list[str]:
    """gunicorn's command line, from the settings read once from the environment."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        WSGI_APPLICATION,
        "--bind",
        settings.KAIFAQU_BIND,
        "--workers",
        str(settings.KAIFAQU_WORKERS),
        "--threads",
        str(settings.KAIFAQU_THREADS),
        "--timeout",
        str(settings.KAIFAQU_TIMEOUT),
        # systemd starts, reloads and stops the server; a second control channel is not needed.
        "--no-control-socket",
    ]


def prepare(*, fail_level: str, verbosity: int = 1) -> None:
    """The preparation of a production start, each step safe to repeat."""
    call_command("check", deploy=True, fail_level=fail_level, verbosity=verbosity)
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=verbosity)


class Command(BaseCommand):
    help = (
        "Check the production settings, migrate, collect the static files, then serve with "
        "gunicorn (KAIFAQU_WORKERS, KAIFAQU_THREADS, KAIFAQU_TIMEOUT, KAIFAQU_BIND)."
    )
    # The deployment checks run in prepare(), at the fail level asked for.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--prepare-only",
            action="store_true",
            help="Prepare and stop without serving (make deploy-prepare).",
        )
        parser.add_argument(
            "--fail-level",
            default="WARNING",
            choices=FAIL_LEVELS,
            help="The check level that stops the start (default WARNING).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        prepare(fail_level=options["fail_level"], verbosity=options["verbosity"])
        if options["prepare_only"]:
            self.stdout.write("Prepared: checks passed, database migrated, static files collected.")
            return
        argv = gunicorn_argv()
        self.stdout.write(f"Serving on {settings.KAIFAQU_BIND}: {' '.join(argv[1:])}")
        self.stdout.flush()
        sys.stderr.flush()
        # Our own interpreter and a fixed module: nothing here comes from a request.
        os.execv(argv[0], argv)  # noqa: S606
