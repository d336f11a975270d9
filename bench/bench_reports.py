"""Report drafting speed: the demo's report drafted, and rendered as page, Word and PDF.

    .venv/bin/python bench/bench_reports.py [--rounds 5] [--pdf]

Runs against a fresh temporary SQLite database with the demo loaded. Prints the time of
each step (median of the rounds) and the queries a draft takes; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also convert with LibreOffice")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kaifaqu-bench-")
    os.environ.setdefault("KAIFAQU_VAR_DIR", tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifaqu.orgs.models import OrgUnit
    from kaifaqu.reports import render
    from kaifaqu.reports.models import ReportType
    from kaifaqu.reports.services import draft_create

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    report_type = ReportType.objects.get(code="progress")
    zone = OrgUnit.objects.get(code="371471")

    def draft():
        return draft_create(
            actor=None, report_type=report_type, org_unit=zone, period="2017-01/2017-09"
        )

    with CaptureQueriesContext(connection) as queries:
        made = draft()
    steps = {
        "draft (figures, blocks, save)": draft,
        "page (paragraphs)": lambda: render.page(made),
        "Word, review copy": lambda: render.docx(made, review=True),
        "Word, final copy": lambda: render.docx(made, review=False),
    }
    if args.pdf:
        steps["PDF (LibreOffice)"] = lambda: render.pdf_bytes(made)
    print(f"a draft: {len(queries)} queries, {len(made.values)} placeholders")
    for name, step in steps.items():
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        print(f"{name:32} {statistics.median(times) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
