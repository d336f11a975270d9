"""``kaifaqu serve``: every step a production start needs, then the process becomes gunicorn.

The steps: ``check --deploy`` (refusing at a warning, as ``make deploy-check`` does), the
migrations, and ``collectstatic``, which writes the hashed files and the manifest that the
production static storage reads (without it every page answers 500); it is skipped when the
files it would read are those it last collected. Nothing is compiled at
run time: the translations' ``.mo`` files are committed. ``--prepare-only`` stops before
serving (``make deploy-prepare``, an upgrade before a restart).

gunicorn replaces this process (exec, not a child), so systemd's signals reach it directly:
``systemctl reload`` sends it HUP (new workers, no dropped request), ``stop`` sends TERM.
"""

from __future__ import annotations

import hashlib
import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, OutputWrapper

WSGI_APPLICATION = "kaifaqu.config.wsgi:application"
FAIL_LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]
# collectstatic's default ignore patterns.
IGNORE_PATTERNS = ["CVS", ".*", "*~"]


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


def static_sources_digest() -> str:
    """A digest of every file collectstatic would read and of the storage that writes them.

    Of their contents, not their times: a match means the very files collected last.
    """
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(IGNORE_PATTERNS):
            prefix = getattr(storage, "prefix", None) or ""
            with storage.open(path) as source:
                content = hashlib.sha256(source.read()).hexdigest()
            entries.append(f"{prefix}/{path} {content}")
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()


def _collected_stamp() -> Path:
    """Beside STATIC_ROOT, not in it: WhiteNoise serves whatever STATIC_ROOT holds."""
    root = Path(settings.STATIC_ROOT)
    return root.with_name(root.name + ".collected")


def collect_static(*, verbosity: int = 1) -> bool:
    """collectstatic, unless its sources are those it last collected and its output is still
    there. A restart then takes seconds, not the 20 s of processor time hashing and compressing
    every file takes.
    Returns whether it ran."""
    digest = static_sources_digest()
    stamp = _collected_stamp()
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    output = Path(settings.STATIC_ROOT) / manifest if manifest else Path(settings.STATIC_ROOT)
    if output.exists() and stamp.is_file() and stamp.read_text() == digest:
        return False
    call_command("collectstatic", interactive=False, verbosity=verbosity)
    stamp.write_text(digest)
    return True


def prepare(*, fail_level: str, verbosity: int = 1, stdout: OutputWrapper | None = None) -> None:
    """The preparation of a production start, each step safe to repeat."""
    call_command("check", deploy=True, fail_level=fail_level, verbosity=verbosity)
    call_command("migrate", interactive=False, verbosity=verbosity)
    if not collect_static(verbosity=verbosity) and stdout is not None and verbosity:
        stdout.write("Static files unchanged since they were last collected.")


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
        prepare(
            fail_level=options["fail_level"], verbosity=options["verbosity"], stdout=self.stdout
        )
        if options["prepare_only"]:
            self.stdout.write("Prepared: checks passed, database migrated, static files collected.")
            return
        argv = gunicorn_argv()
        self.stdout.write(f"Serving on {settings.KAIFAQU_BIND}: {' '.join(argv[1:])}")
        self.stdout.flush()
        sys.stderr.flush()
        # Our own interpreter and a fixed module: nothing here comes from a request.
        os.execv(argv[0], argv)  # noqa: S606
