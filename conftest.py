"""Fixtures shared by every package's tests and the browser tests."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

import pytest
from django.db import transaction

from kaifaqu.core.testing import in_english, run_command, sign_in
from kaifaqu.orgs.demo import demo_password


@pytest.fixture(autouse=True, scope="session")
def _audit_rows_flushable():
    """Between transactional tests Django empties the database (TRUNCATE on PostgreSQL,
    DELETE on SQLite), which the audit tables' triggers refuse: the flush drops them and
    puts them back, as someone with the schema's rights could (core.audit_guard). Nothing
    in the application can: this runs in the test runner only."""
    from django.db import connections
    from django.test import TransactionTestCase

    from kaifaqu.core import audit_guard

    original = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

    def _fixture_teardown(self):
        names = self._databases_names(include_mirrors=False)
        for name in names:
            audit_guard.uninstall(connections[name])
        try:
            original(self)
        finally:
            for name in names:
                audit_guard.install(connections[name])

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[attr-defined]
    yield
    TransactionTestCase._fixture_teardown = original  # type: ignore[attr-defined]


@pytest.fixture(autouse=True, scope="session")
def _force_login_gives_second_factor():
    """``client.force_login`` signs in with the second factor given (core.testing)."""
    from kaifaqu.core.testing import install_verified_force_login

    undo = install_verified_force_login()
    yield
    undo()


@pytest.fixture(autouse=True)
def _audit_anchor_file(settings, tmp_path):
    """Each test anchors the audit head to a file of its own."""
    settings.KAIFAQU_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"


def _demo_namespace():
    from kaifaqu.core import access
    from kaifaqu.core.models import User
    from kaifaqu.orgs.models import Department, OrgUnit

    users = {u.username: u for u in User.objects.all()}
    for user in users.values():
        access.forget(user)
    return SimpleNamespace(
        password=demo_password(),
        users=users,
        zone=OrgUnit.objects.get(code="371471"),
        city=OrgUnit.objects.get(code="371400"),
        departments={d.code: d for d in Department.objects.all()},
        units={u.code: u for u in OrgUnit.objects.all()},
        **users,
    )


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once per test module in a transaction rolled back when the module
    ends. Loading it takes seconds (the ledgers write thousands of rows through their
    services); each test runs in a savepoint inside this transaction, so its writes are undone
    and the next test sees the demo as loaded."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            run_command("load_demo")
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_loaded, db):
    """The demo zone, departments, accounts and ledgers, loaded through the services.

    A module-scoped fixture is set up before any function-scoped one, so the test's own
    transaction (``db``) always nests inside the module's. Tests whose data must be committed
    (a live server, several threads) use ``demo_committed`` instead.
    """
    return _demo_namespace()


@pytest.fixture
def seeded(demo):
    """The ledgers' tests' name for ``demo``."""
    return demo


@pytest.fixture
def demo_committed(transactional_db):
    """The demo loaded and committed for this test alone (the live server's thread, or
    concurrent requests, see it); the database is emptied after the test."""
    run_command("load_demo")
    return _demo_namespace()


@pytest.fixture
def as_user(client, demo):
    """The test client signed in as a demo account (its username) or any user, reading the
    pages in English (their msgid language) unless told another language."""

    def _as(user, language: str | None = "en"):
        return sign_in(client, demo.users[user] if isinstance(user, str) else user, language)

    return _as


@pytest.fixture
def login(as_user):
    """As ``as_user``, reading the pages in the site's default language (Chinese)."""
    return partial(as_user, language=None)


@pytest.fixture
def english():
    """Messages in English, their msgid language, in this thread (what a service raises,
    a form says); a package's conftest makes it autouse where every test compares them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def chinese():
    """Messages in Chinese, the default language, in this thread."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture
def english_client(client):
    """The test client with the language switch set to English, for exact messages."""
    return in_english(client)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own (made when the first file is)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def api(demo):
    """An API client authenticated as a demo account by username (token authentication)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def _api(username: str | None):
        client = APIClient()
        if username is not None:
            token, _ = Token.objects.get_or_create(user=demo.users[username])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _api


@pytest.fixture
def area(demo):
    """A profile fact of the zone, kept by 经济发展局."""
    from kaifaqu.orgs.models import ProfileFact, ProfileFactKey

    return ProfileFact.objects.get(org_unit=demo.zone, key=ProfileFactKey.AREA)


@pytest.fixture
def finance_fact(demo):
    """A fact kept by 财政局, which the demo does not have: 赵虎镇's households."""
    from datetime import date
    from decimal import Decimal

    from kaifaqu.orgs import services
    from kaifaqu.orgs.models import OrgUnit, ProfileFactKey

    return services.profile_fact_create(
        actor=None,
        org_unit=OrgUnit.objects.get(code="371471101"),
        key=ProfileFactKey.HOUSEHOLDS,
        value=Decimal("4200"),
        as_of=date(2017, 9, 30),
        source="illustrative",
        department=demo.departments["finance"],
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
