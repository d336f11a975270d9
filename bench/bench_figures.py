"""Figure engine speed: 150 figures with every comparison over a million values.

    .venv/bin/python bench/bench_figures.py [--values 1000000] [--runs 5]

Works on the database DATABASE_URL names (default: the SQLite file var/bench/figures.sqlite3;
for PostgreSQL, a database you can spare). Migrates it, generates the synthetic values
(`kaifaqu generate_synthetic`, seed 2017) unless exactly that many are there already, then
times a batch of 150 figure requests through the engine (the median of --runs runs after a
warm-up), counts its SQL queries, and times a plain cursor SELECT of the same value rows (the
same elements, org units and months, the same columns) for comparison. Prints a table;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_time(function, runs: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of this process (steadier on a busy machine)."""
    result = function()  # warm-up: caches, the database's pages
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--figures", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'figures.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifaqu.core.context import acting
    from kaifaqu.core.models import AuditEntry
    from kaifaqu.core.periods import shift_keys
    from kaifaqu.metrics.engine import Batch, compute, load_metrics
    from kaifaqu.metrics.figures import FigureRequest
    from kaifaqu.orgs.models import OrgUnit
    from kaifaqu.orgs.tree import org_tree
    from kaifaqu.stats.synthetic import (
        CITY_CODE,
        figure_request_mix,
        synthetic_counts,
        synthetic_generate,
    )

    call_command("migrate", verbosity=0)
    vendor = connection.vendor

    # -- the data: reuse what is there if it is what was asked for ---------------------------
    last = AuditEntry.objects.filter(object_type="stats.synthetic").order_by("-seq").first()
    there = synthetic_counts()["values"]
    made = last.after if last is not None else {}
    if there != args.values or made.get("seed") != args.seed or made.get("values") != there:
        print(f"generating {args.values:,} values (seed {args.seed}) …", flush=True)
        start = time.perf_counter()
        shown = set()

        def progress(done: int, total: int) -> None:
            if (tenth := 10 * done // total) not in shown:
                shown.add(tenth)
                print(f"  {done:,} of {total:,}", flush=True)

        with acting(label="system:bench_figures"):
            synthetic_generate(
                actor=None, values=args.values, seed=args.seed, replace=True, progress=progress
            )
        print(f"generated in {time.perf_counter() - start:.0f} s", flush=True)
    if vendor == "postgresql":  # fresh planner statistics, whoever wrote the rows
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stats_datavalue")
    orgs = OrgUnit.objects.filter(parent__code=CITY_CODE).count()
    requests = [FigureRequest(*r) for r in figure_request_mix(args.figures, orgs=orgs)]

    # -- the engine ----------------------------------------------------------------------------
    engine_time, engine_cpu, figures = _median_time(lambda: compute(requests), args.runs)
    with CaptureQueriesContext(connection) as queries:
        compute(requests)
    with_value = sum(1 for f in figures if f.value is not None)
    with_rank = sum(1 for f in figures if f.rank_by_value is not None)
    with_growth = sum(1 for f in figures if f.growth_pct is not None or f.pp_change is not None)
    batch = Batch(requests)
    engine_rows = len(batch.values)

    # -- the same value rows, fetched raw --------------------------------------------------------
    # What the engine fetches: the elements asked and their parts; the units asked, their
    # children, their city and the city's children; every month from two years before the
    # earliest period asked to the end of the latest.
    metrics = load_metrics({r.metric for r in requests})
    element_ids = sorted({m.element_id for m in metrics.values() if m.element_id})
    tree = org_tree()
    city = tree.by_code[CITY_CODE]
    org_ids = set(tree.children[city]) | {city}
    for r in requests:
        pk = tree.by_code[r.org]
        org_ids |= {pk, *tree.children.get(pk, [])}
    periods = [p for p in batch.periods.values() if p is not None]
    low = min(shift_keys(p.key_range, -2)[0] for p in periods)
    high = max(p.last_key for p in periods)
    in_elements = ", ".join(["%s"] * len(element_ids))
    in_orgs = ", ".join(["%s"] * len(org_ids))
    # Only placeholders are formatted into the text; every value is a bound parameter.
    sql = (
        "SELECT v.id, v.element_id, v.org_unit_id, v.period, v.month_from, v.month_to,"  # noqa: S608
        " v.value, v.status, v.reported_growth_pct, v.comparable_prior, v.source,"
        " v.entered_at, u.username"
        " FROM stats_datavalue v LEFT JOIN core_user u ON u.id = v.entered_by_id"
        f" WHERE v.element_id IN ({in_elements}) AND v.org_unit_id IN ({in_orgs})"
        " AND v.month_from >= %s AND v.month_to <= %s"
    )
    params = [*element_ids, *sorted(org_ids), low, high]

    def raw_fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    raw_time, raw_cpu, raw_rows = _median_time(raw_fetch, args.runs)

    print()
    print(f"database:                 {vendor}")
    print(f"values in the database:   {synthetic_counts()['values']:,}")
    print(
        f"figures:                  {len(figures)} ({with_value} with a value, "
        f"{with_growth} with a growth or 百分点 change, {with_rank} ranked)"
    )
    print(f"SQL queries:              {len(queries)}")
    print(f"value rows fetched:       {engine_rows:,} by the engine, {len(raw_rows):,} raw")
    print(
        f"engine, median of {args.runs}:     {engine_time * 1000:,.0f} ms"
        f" (CPU of this process {engine_cpu * 1000:,.0f} ms)"
    )
    print(
        f"raw fetch, median of {args.runs}:  {raw_time * 1000:,.0f} ms"
        f" (CPU of this process {raw_cpu * 1000:,.0f} ms)"
    )
    print(f"ratio engine / raw:       {engine_time / raw_time:.1f}×")
    print(f"load average:             {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
