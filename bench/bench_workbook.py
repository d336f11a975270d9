"""Statistics workbook speed: the checked import and the export of N synthetic values.

    .venv/bin/python bench/bench_workbook.py [--values 100000] [--memory] [--imports all]

Works on the database DATABASE_URL names (default: the SQLite file var/bench/workbook.sqlite3;
for PostgreSQL, a database you can spare). Migrates it, generates the synthetic values
(`kaifaqu generate_synthetic`, seed 2017) unless exactly that many are there already, then:

- exports them (`workbook_export`, what `kaifaqu export_workbook` writes), beside a plain
  write-only openpyxl dump of the same rows, already in memory, without styles;
- parses the file with openpyxl's read-only mode (every row of every sheet, values only):
  the floor any import of the file stands on;
- checks and imports the file (`read_workbook` then `import_plan`, what `kaifaqu
  import_workbook` does) three ways: every value new (the stored values deleted first), every
  value changed (each stored value changed first), every value unchanged (the file imported
  over what it was exported from); each as a dry run and for real, all rolled back after.

With --memory, the import of every value new (dry run) runs again in a process of its own
and reports that process's peak resident memory (``resource.getrusage``). Prints a table;
asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    database = ROOT / "var" / "bench" / "workbook.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings")
    import django

    django.setup()


class Took:
    """Wall time, and CPU time of this process (steadier on a busy machine: the database is
    SQLite, in this process, so its work counts too)."""

    def __init__(self, wall: float, cpu: float):
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:7.1f} s wall {self.cpu:7.1f} s CPU"

    def ratio(self, other: Took) -> str:
        return f"{self.wall / other.wall:4.1f}× wall {self.cpu / other.cpu:4.1f}× CPU"


def _timed(function: Callable[[], Any]) -> tuple[Took, Any]:
    start, start_cpu = time.perf_counter(), time.process_time()
    result = function()
    return Took(time.perf_counter() - start, time.process_time() - start_cpu), result


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class _Undo(Exception):
    pass


def _rolled_back(prepare: Callable[[], None], run: Callable[[], Any]) -> tuple[Took, Any]:
    """Time ``run`` after ``prepare`` in a transaction that is then rolled back."""
    from django.db import transaction

    out: list[tuple[Took, Any]] = []
    try:
        with transaction.atomic():
            prepare()
            out.append(_timed(run))
            raise _Undo
    except _Undo:
        pass
    return out[0]


def _check_import(data: bytes, dry_run: bool):
    from kaifaqu.core.context import acting
    from kaifaqu.stats.workbook import import_plan, read_workbook

    with acting(label="system:bench_workbook"):
        plan = read_workbook(data, name="bench.xlsx")
        result = import_plan(plan, actor=None, dry_run=dry_run)
    if not result.ok:
        raise SystemExit("the import found problems:\n" + "\n".join(map(str, result.problems[:5])))
    return result


def _delete_values() -> None:
    from kaifaqu.stats.models import DataValue
    from kaifaqu.stats.synthetic import synthetic_element_ids

    DataValue.objects.filter(element_id__in=synthetic_element_ids()).delete()


def _change_values() -> None:
    from django.db.models import F

    from kaifaqu.stats.models import DataValue
    from kaifaqu.stats.synthetic import synthetic_element_ids

    DataValue.objects.filter(element_id__in=synthetic_element_ids()).update(value=F("value") + 1)


def _memory_child(path: str) -> None:
    """Run in a process of its own: the import of every value new, as a dry run. A file
    past the size limits (a million values is about 29 MB, 250 MB expanded) is measured with
    the limits raised to its size, as a deployment that takes such files would set them."""
    _setup()
    from kaifaqu.stats.workbook import columns

    data = Path(path).read_bytes()
    columns.MAX_FILE_BYTES = max(columns.MAX_FILE_BYTES, len(data))
    columns.MAX_EXPANDED_BYTES = max(columns.MAX_EXPANDED_BYTES, 20 * len(data))
    took, result = _rolled_back(_delete_values, lambda: _check_import(data, dry_run=True))
    print(f"{took.wall:.1f} {result.counts['values']['created']} {_peak_mb():.0f}")


def _plain_dump(sheets: dict[str, list[list[Any]]]) -> bytes:
    """The same rows through openpyxl's write-only mode, with no style, note or list."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _parse(data: bytes) -> int:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    count = 0
    for ws in book.worksheets:
        for _row in ws.iter_rows(values_only=True):
            count += 1
    book.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--memory", action="store_true", help="measure the import's peak memory")
    parser.add_argument(
        "--imports",
        choices=["all", "new", "none"],
        default="all",
        help="which imports to time: all six, every value new only, none (with --memory)",
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        _memory_child(args.memory_child)
        return

    _setup()
    import openpyxl
    from django.core.management import call_command
    from django.db import connection

    from kaifaqu.core.context import acting
    from kaifaqu.core.models import AuditEntry
    from kaifaqu.stats.synthetic import synthetic_counts, synthetic_generate
    from kaifaqu.stats.workbook import workbook_export

    call_command("migrate", verbosity=0)

    # -- the data: reuse what is there if it is what was asked for ---------------------------
    last = AuditEntry.objects.filter(object_type="stats.synthetic").order_by("-seq").first()
    there = synthetic_counts()["values"]
    made = last.after if last is not None else {}
    if there != args.values or made.get("seed") != args.seed or made.get("values") != there:
        print(f"generating {args.values:,} values (seed {args.seed}) …", flush=True)
        seconds, _result = _timed(
            lambda: synthetic_generate(actor=None, values=args.values, seed=args.seed, replace=True)
        )
        print(f"generated in {seconds.wall:.0f} s", flush=True)

    # -- the export, and the same rows dumped plainly ------------------------------------------
    with acting(label="system:bench_workbook"):
        export_time, (data, counts) = _timed(lambda: workbook_export(actor=None))
    sheets: dict[str, list[list[Any]]] = {}
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    for ws in book.worksheets:
        sheets[ws.title] = [list(row) for row in ws.iter_rows(values_only=True)]
    book.close()
    dump_time, _dump = _timed(lambda: _plain_dump(sheets))
    sheets.clear()
    path = ROOT / "var" / "bench" / f"workbook-{args.values}.xlsx"
    path.write_bytes(data)

    # -- the floor: openpyxl's read-only parse -------------------------------------------------
    parse_time, parsed_rows = _timed(lambda: _parse(data))

    # -- the checked import, three ways ------------------------------------------------------
    runs: list[tuple[str, Took, Any]] = []
    ways = [
        ("every value new", _delete_values),
        ("every value changed", _change_values),
        ("every value unchanged", lambda: None),
    ]
    for label, prepare in {"all": ways, "new": ways[:1], "none": []}[args.imports]:
        for dry_run in (True, False):
            seconds, result = _rolled_back(prepare, lambda d=dry_run: _check_import(data, d))
            runs.append((f"{label}, {'dry run' if dry_run else 'real'}", seconds, result))
            print(f"  {runs[-1][0]}: {seconds}", flush=True)

    memory = None
    if args.memory:
        child = subprocess.run(  # noqa: S603 (this script, run again with a path it wrote)
            [sys.executable, __file__, "--memory-child", str(path)],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ.copy(),
        )
        if child.returncode:
            raise SystemExit(f"the memory measurement failed:\n{child.stderr[-2000:]}")
        seconds, created, peak = child.stdout.split()[-3:]
        memory = (float(seconds), int(created), float(peak))

    print()
    print(f"database:                     {connection.vendor}")
    print(f"values:                       {counts['values']:,} ({parsed_rows:,} rows in the file,")
    print(f"                              {len(data) / 1e6:.1f} MB)")
    print(f"export (workbook_export):     {export_time}  (reads the database too)")
    print(f"plain write-only dump:        {dump_time}")
    print(f"ratio export / dump:          {export_time.ratio(dump_time)}  (goal: within 2×)")
    print(f"openpyxl read-only parse:     {parse_time}")
    for label, took, result in runs:
        v = result.counts["values"]
        print(f"import, {label + ':':30} {took}  {took.ratio(parse_time)} the parse")
        print(
            f"{'':38}(values {v['created']:,} created, {v['updated']:,} updated,"
            f" {v['unchanged']:,} unchanged)"
        )
    print("                              (goal: within 3× the parse)")
    if memory is not None:
        seconds, created, peak = memory
        print(
            f"peak memory, every value new, dry run, own process: {peak:,.0f} MB"
            f" ({created:,} values, {seconds:.1f} s; goal: within 1 GB at 1,000,000)"
        )
    print(f"load average:                 {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
