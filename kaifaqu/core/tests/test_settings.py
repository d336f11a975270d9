"""The database settings: SQLite in WAL mode with IMMEDIATE transactions, or PostgreSQL 13+."""

from __future__ import annotations

import contextlib
import copy
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from psycopg import sql

from kaifaqu.core.testing import skip_or_fail
from kaifaqu.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

POSTGRES_URL = os.environ.get(
    "KAIFAQU_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def kaifaqu_command() -> str:
    """The ``kaifaqu`` console script of the environment running the tests."""
    path = Path(sys.executable).parent / "kaifaqu"
    if not path.exists():
        pytest.fail(f"the kaifaqu command is not installed beside {sys.executable}")
    return str(path)


def run_kaifaqu(*args: str, env: dict[str, str], timeout: int = 240) -> str:
    result = subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [kaifaqu_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"kaifaqu {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def command_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of `make run`: the production settings, a database, a var directory."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="kaifaqu.config.settings",
        DATABASE_URL=database_url,
        KAIFAQU_VAR_DIR=str(var_dir),
        # The suite's audit key, so the chain these sites write and read is the suite's.
        KAIFAQU_AUDIT_KEY=settings.KAIFAQU_AUDIT_KEY,
    )
    return env


def _sqlite_wrapper(path: Path, alias: str = "probe", **options):
    """A second connection like the suite's, to a file (the suite's own database is in memory)."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["NAME"] = str(path)
    settings_dict["OPTIONS"].update(options)
    return type(connections["default"])(settings_dict, alias=alias)


def test_the_database_is_configured_for_concurrent_use(tmp_path):
    if connection.vendor == "sqlite":
        options = connection.settings_dict["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert connection.transaction_mode == "IMMEDIATE"
        assert options["timeout"] >= 5
        probe = _sqlite_wrapper(tmp_path / "wal.sqlite3")
        try:
            with probe.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA foreign_keys")
                assert cursor.fetchone()[0] == 1
                cursor.execute("PRAGMA synchronous")
                assert cursor.fetchone()[0] == 1  # NORMAL
        finally:
            probe.close()
    elif connection.vendor == "postgresql":
        assert connection.pg_version >= 130000
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    else:
        pytest.fail(f"unsupported database vendor {connection.vendor}")


@contextlib.contextmanager
def _registered(wrapper):
    """The wrapper as a named connection, so ``transaction.atomic(using=...)`` drives it."""
    connections[wrapper.alias] = wrapper
    try:
        yield wrapper.alias
    finally:
        wrapper.close()
        del connections[wrapper.alias]


def test_sqlite_transactions_take_the_write_lock_at_begin(tmp_path):
    """IMMEDIATE: a second writer waits at BEGIN, before either has written anything."""
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    path = tmp_path / "immediate.sqlite3"
    with (
        _registered(_sqlite_wrapper(path, "probe_first")) as first,
        _registered(_sqlite_wrapper(path, "probe_second", timeout=0.2)) as second,
    ):
        with connections[first].cursor() as cursor:
            cursor.execute("CREATE TABLE t (n integer)")
        with transaction.atomic(using=first):
            # The first holds the write lock without having written anything.
            with connections[second].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")  # readers go on (WAL)
                assert cursor.fetchone()[0] == 0
            with pytest.raises(OperationalError, match="locked"), transaction.atomic(using=second):
                pass
        # Once the first commits, the second begins and writes.
        with transaction.atomic(using=second), connections[second].cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")


def _connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, connect_timeout=5, **kwargs)


def _reachable() -> None:
    try:
        with _connect(POSTGRES_URL) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}".strip())


@pytest.mark.postgres
def test_the_postgresql_path_works(tmp_path):
    """Migrate and load the demo into a throwaway PostgreSQL database, as `make run` would."""
    if connection.vendor == "postgresql":
        # The suite itself runs on PostgreSQL: every other test proves the path.
        assert connection.pg_version >= 130000
        return
    _reachable()
    name = f"kaifaqu_probe_{uuid.uuid4().hex[:12]}"
    url = psycopg.conninfo.make_conninfo(POSTGRES_URL, dbname=name)
    with _connect(POSTGRES_URL, autocommit=True) as admin:
        version = admin.info.server_version
        assert version >= 130000, f"PostgreSQL {version} is older than 13"
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        env = command_env(_as_url(url), tmp_path / "var")
        run_kaifaqu("migrate", "--noinput", env=env)
        output = run_kaifaqu("load_demo", env=env)
        assert "Demo zone loaded." in output
        with _connect(url) as conn:
            table = sql.Identifier(OrgUnit._meta.db_table)
            row = conn.execute(
                sql.SQL("SELECT name, kind FROM {} WHERE code = %s").format(table), ["371471"]
            ).fetchone()
        assert row == ("德州经济技术开发区", "zone")
    finally:
        with _connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _as_url(conninfo: str) -> str:
    """A ``postgres://`` URL for django-environ from a libpq connection string."""
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    user = params.get("user", "")
    password = params.get("password")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("host", "127.0.0.1")
    port = params.get("port", "5432")
    return f"postgres://{auth}{host}:{port}/{params['dbname']}"
