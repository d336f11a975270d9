"""`make run` may be run again and again: its set-up steps change nothing the second time."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from kaifaqu.core.models import AuditEntry, RoleGrant, User
from kaifaqu.core.tests.test_settings import command_env, run_kaifaqu
from kaifaqu.orgs.models import (
    Department,
    Honour,
    Membership,
    OrgUnit,
    OrgUnitKind,
    ProfileFact,
    ProfileFactKey,
)

COUNTED = [OrgUnit, Department, User, RoleGrant, Membership, ProfileFact, Honour, AuditEntry]
ZONE = "371471"


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {
            model.__name__: db.execute(f"SELECT count(*) FROM {model._meta.db_table}").fetchone()[0]
            for model in COUNTED
        }


def _zone(path: Path) -> tuple[Decimal, list[str]]:
    units, facts = OrgUnit._meta.db_table, ProfileFact._meta.db_table
    with sqlite3.connect(path) as db:
        zone_id = db.execute(f"SELECT id FROM {units} WHERE code = ?", [ZONE]).fetchone()[0]
        (area,) = db.execute(
            f"SELECT CAST(value AS TEXT) FROM {facts} WHERE org_unit_id = ? AND key = ?",
            [zone_id, ProfileFactKey.AREA.value],
        ).fetchone()
        names = [
            name
            for (name,) in db.execute(
                f"SELECT name FROM {units} WHERE parent_id = ? AND kind IN (?, ?) "
                'ORDER BY "order", code',
                [zone_id, OrgUnitKind.TOWN.value, OrgUnitKind.SUBDISTRICT.value],
            )
        ]
    return Decimal(area), names


def test_migrate_and_load_demo_twice_change_nothing_the_second_time(tmp_path):
    database = tmp_path / "x.sqlite3"
    env = command_env(f"sqlite:///{database}", tmp_path / "var")

    run_kaifaqu("migrate", "--noinput", env=env)
    first_load = run_kaifaqu("load_demo", env=env)
    after_first = _counts(database)

    second_migrate = run_kaifaqu("migrate", "--noinput", env=env)
    second_load = run_kaifaqu("load_demo", env=env)
    after_second = _counts(database)

    assert "No migrations to apply." in second_migrate
    assert "Demo zone loaded." in first_load
    assert "Demo zone loaded." in second_load
    assert after_second == after_first
    assert after_first["User"] >= 9
    assert after_first["Honour"] == 12
    assert after_first["ProfileFact"] >= 10

    area, subunits = _zone(database)
    assert area == 320
    assert subunits == ["赵虎镇", "袁桥镇", "抬头寺镇", "宋官屯街道", "长河街道"]

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # The secret key made on the first run is kept, so sessions survive a restart.
    assert (tmp_path / "var" / "secret_key").is_file()
