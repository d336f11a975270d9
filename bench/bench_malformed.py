"""Malformed workbooks: how long each takes to be refused, and the memory it takes.

    .venv/bin/python bench/bench_malformed.py [--only NAME ...] [--investment]

Runs every file of the test corpus (kaifaqu/stats/tests/malformed.py) through the statistics
reader (or the investment reader) against a fresh, empty database (a temporary SQLite
file), printing per file the seconds, the peak of Python's allocations (tracemalloc, which
sees openpyxl's objects and zlib's buffers) and the the file's problem. Asserts nothing; the
tests check that each file is refused, this says how fast and how small.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="run these cases only")
    parser.add_argument("--investment", action="store_true", help="the investment reader")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kaifaqu-bench-")
    os.environ.setdefault("KAIFAQU_VAR_DIR", tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    call_command("migrate", verbosity=0)
    warnings.simplefilter("ignore")  # openpyxl warns of what it repairs

    from kaifaqu.investment.tests.test_malformed import BOOK
    from kaifaqu.investment.workbook import read_workbook as read_investment
    from kaifaqu.stats.tests.malformed import corpus
    from kaifaqu.stats.tests.test_malformed import SHEETS
    from kaifaqu.stats.workbook import read_workbook as read_statistics
    from kaifaqu.stats.workbook.files import WorkbookPlan

    read_workbook: Callable[..., WorkbookPlan] = (
        read_investment if args.investment else read_statistics
    )
    cases = (
        corpus(BOOK, ("tranches", "amount"))
        if args.investment
        else corpus(SHEETS, ("values", "value"))
    )
    print(f"{'case':40} {'KB':>7} {'s':>7} {'peak MB':>8}  the file's problem")
    worst = (0.0, 0.0)
    with translation.override("en"):
        for name, data in cases.items():
            if args.only and name not in args.only:
                continue
            tracemalloc.start()
            start = time.perf_counter()
            plan = read_workbook(data, name="bench.xlsx")
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            worst = (max(worst[0], seconds), max(worst[1], peak))
            # The file's own problem (a whole sheet or file) rather than a cell's, if any.
            own = [p for p in plan.problems if p.row is None] or plan.problems
            first = str(own[0])[:70] if own else "(none)"
            print(f"{name:40} {len(data) / 1024:7.1f} {seconds:7.3f} {peak:8.1f}  {first}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"slowest {worst[0]:.3f} s, largest peak {worst[1]:.1f} MB; process peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
