"""Audit log speed: appending rows (each under the chain lock) and verifying the chain.

    .venv/bin/python bench/bench_audit.py [--rows 20000]

Runs against a fresh database: a temporary SQLite file unless DATABASE_URL names another
(for PostgreSQL, an empty database you can spare). Prints rows per second; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kaifaqu-bench-")
    os.environ.setdefault("KAIFAQU_VAR_DIR", tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kaifaqu.core import audit
    from kaifaqu.core.models import AuditAction

    call_command("migrate", verbosity=0)
    vendor = connection.vendor

    start = time.perf_counter()
    for i in range(args.rows):
        audit.record(
            AuditAction.UPDATE,
            actor_label="bench",
            object_type="bench.thing",
            object_id=str(i),
            before={"value": i},
            after={"value": i + 1},
        )
    single = time.perf_counter() - start

    start = time.perf_counter()
    with transaction.atomic():
        for i in range(args.rows):
            audit.record(AuditAction.CREATE, actor_label="bench", after={"value": i})
    batched = time.perf_counter() - start

    start = time.perf_counter()
    broken = audit.verify_chain()
    verify = time.perf_counter() - start
    if broken is not None:
        sys.exit(f"chain broken: {broken}")

    total = 2 * args.rows
    print(f"database: {vendor}")
    print(f"append, one transaction each: {args.rows / single:,.0f} rows/s ({args.rows} rows)")
    print(f"append, one transaction for all: {args.rows / batched:,.0f} rows/s ({args.rows} rows)")
    print(f"verify chain: {total / verify:,.0f} rows/s ({total} rows in {verify:.2f} s)")


if __name__ == "__main__":
    main()
