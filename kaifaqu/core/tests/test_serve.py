"""`kaifaqu serve` and `make deploy-prepare`: a production start prepares everything a page
needs (checks, migrations, the static manifest), then runs gunicorn as the environment says."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from kaifaqu.core.management.commands import serve
from kaifaqu.core.tests.test_settings import kaifaqu_command

# What the environment of the test run may hold and a production start must not inherit.
_INHERITED = ("KAIFAQU_", "DATABASE_URL", "CACHE_URL", "DEBUG", "HTTPS", "SECURE_", "DJANGO_")


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """DEBUG off, a real key, one host, SQLite in var_dir: what an operator's env file sets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_INHERITED)}
    env.update(
        DJANGO_SETTINGS_MODULE="kaifaqu.config.settings",
        DEBUG="0",
        SECRET_KEY="a-production-key-" + "x" * 50,
        KAIFAQU_AUDIT_KEY="a-production-audit-key-" + "y" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        KAIFAQU_VAR_DIR=str(var_dir),
        **extra,
    )
    return env


def run(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [kaifaqu_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var directory after `make deploy-prepare` (HTTPS on, as production runs), with the
    home zone created as docs/deploy.md says, so the home page has something to show."""
    var_dir = tmp_path_factory.mktemp("var")
    env = production_env(var_dir)
    result = run("serve", "--prepare-only", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Prepared: checks passed, database migrated, static files collected."
    )
    zone = (
        "from kaifaqu.orgs.services import orgunit_create as create; "
        "city = create(actor=None, code='371400', name='德州市', kind='city', parent=None); "
        "create(actor=None, code='371471', name='德州经济技术开发区', kind='zone', parent=city)"
    )
    created = run("shell", "-v", "0", "-c", zone, env=env)
    assert created.returncode == 0, created.stderr
    return var_dir


def test_deploy_prepare_migrates_and_collects_the_static_files_with_their_manifest(prepared):
    manifest = json.loads((prepared / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["kaifaqu/kaifaqu.css"]
    assert re.fullmatch(r"kaifaqu/kaifaqu\.[0-9a-f]{12}\.css", hashed)
    assert (prepared / "static" / hashed).is_file()
    # WhiteNoise serves the compressed copies it made beside each file.
    assert (prepared / "static" / (hashed + ".gz")).is_file()
    assert "vendor/bootstrap/css/bootstrap.min.css" in manifest["paths"]
    # Every migration is applied: `migrate --check` exits non-zero when one is not.
    assert run("migrate", "--check", env=production_env(prepared)).returncode == 0
    with sqlite3.connect(prepared / "kaifaqu.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM core_user").fetchone() == (0,)


def test_preparing_again_changes_nothing_and_skips_the_static_files(prepared):
    manifest = prepared / "static" / "staticfiles.json"
    before = manifest.stat().st_mtime_ns
    result = run("serve", "--prepare-only", env=production_env(prepared))
    assert result.returncode == 0, result.stderr
    assert "No migrations to apply." in result.stdout
    assert "Static files unchanged since they were last collected." in result.stdout
    assert "static files copied" not in result.stdout
    assert manifest.stat().st_mtime_ns == before


@pytest.fixture
def static_dirs(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    source, root = tmp_path / "source", tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("body { color: black; }")
    with override_settings(
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STATIC_ROOT=root,
    ):
        yield source, root


def test_the_static_files_are_collected_again_when_a_source_changes(static_dirs):
    source, root = static_dirs
    assert serve.collect_static(verbosity=0) is True
    assert (root / "site.css").read_text() == "body { color: black; }"
    assert (root.parent / "static.collected").read_text() == serve.static_sources_digest()
    assert serve.collect_static(verbosity=0) is False

    # The same size. collectstatic copies a file newer by a second at least.
    stat = (source / "site.css").stat()
    (source / "site.css").write_text("body { color: white; }")
    later = stat.st_mtime_ns + 10**10
    os.utime(source / "site.css", ns=(later, later))
    assert serve.collect_static(verbosity=0) is True
    assert (root / "site.css").read_text() == "body { color: white; }"

    (source / "new.js").write_text("")
    assert serve.collect_static(verbosity=0) is True
    assert (root / "new.js").is_file()


def test_the_static_files_are_collected_again_when_the_output_is_gone(static_dirs):
    _source, root = static_dirs
    assert serve.collect_static(verbosity=0) is True
    (root / "site.css").unlink()
    root.rmdir()
    assert serve.collect_static(verbosity=0) is True
    assert (root / "site.css").is_file()


def test_a_start_with_a_deployment_warning_is_refused_before_anything_changes(tmp_path):
    env = production_env(tmp_path, HTTPS="0")
    result = run("serve", env=env, timeout=120)
    assert result.returncode == 1
    assert "security.W008" in result.stderr
    assert "SystemCheckError" in result.stderr
    assert not (tmp_path / "static").exists()
    with sqlite3.connect(tmp_path / "kaifaqu.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def _argv_from(env: dict[str, str]) -> list[str]:
    script = (
        "import json, django; django.setup(); "
        "from kaifaqu.core.management.commands.serve import gunicorn_argv; "
        "print(json.dumps(gunicorn_argv()))"
    )
    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_gunicorn_command_line_comes_from_the_environment(tmp_path):
    env = production_env(
        tmp_path,
        KAIFAQU_WORKERS="5",
        KAIFAQU_THREADS="3",
        KAIFAQU_TIMEOUT="75",
        KAIFAQU_BIND="10.0.0.7:8123",
    )
    assert _argv_from(env) == [
        sys.executable,
        "-m",
        "gunicorn",
        "kaifaqu.config.wsgi:application",
        "--bind",
        "10.0.0.7:8123",
        "--workers",
        "5",
        "--threads",
        "3",
        "--timeout",
        "75",
        "--no-control-socket",
    ]


def test_the_gunicorn_defaults_keep_one_process_and_outlast_a_pdf_conversion(tmp_path):
    # One worker: the default cache counts rate limits per process. The time limit is the
    # PDF conversion's (120 s by default) and 30 s more.
    assert _argv_from(production_env(tmp_path))[4:] == [
        "--bind",
        "127.0.0.1:8000",
        "--workers",
        "1",
        "--threads",
        "4",
        "--timeout",
        "150",
        "--no-control-socket",
    ]
    assert _argv_from(production_env(tmp_path, KAIFAQU_PDF_TIMEOUT="300"))[-2] == "330"


@override_settings(KAIFAQU_BIND="127.0.0.1:9001", KAIFAQU_WORKERS=2)
def test_serve_prepares_then_becomes_gunicorn(monkeypatch):
    calls: list[tuple[str, object]] = []

    def prepare(*, fail_level: str, verbosity: int, stdout: object) -> None:
        calls.append(("prepare", {"fail_level": fail_level, "verbosity": verbosity}))

    monkeypatch.setattr(serve, "prepare", prepare)

    def execv(path: str, argv: list[str]) -> None:
        calls.append(("execv", (path, argv)))

    monkeypatch.setattr(os, "execv", execv)
    call_command("serve", stdout=io.StringIO())
    argv = serve.gunicorn_argv()
    assert calls == [
        ("prepare", {"fail_level": "WARNING", "verbosity": 1}),
        ("execv", (sys.executable, argv)),
    ]
    assert argv[4:8] == ["--bind", "127.0.0.1:9001", "--workers", "2"]


def test_prepare_only_does_not_serve(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(serve, "prepare", lambda **kw: calls.append(kw["fail_level"]))
    monkeypatch.setattr(os, "execv", lambda *a: calls.append("execv"))
    call_command("serve", "--prepare-only", "--fail-level", "ERROR", stdout=io.StringIO())
    assert calls == ["ERROR"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(prepared: Path) -> Iterator[tuple[str, int, Path]]:
    """`kaifaqu serve` on a free local port with the production settings, two workers: after
    `make deploy-prepare` its own preparation finds nothing to do, and it becomes gunicorn.
    Plain HTTP (no TLS in a test) gives deployment warnings, so the fail level is ERROR."""
    port = _free_port()
    env = production_env(
        prepared,
        HTTPS="0",
        KAIFAQU_BIND=f"127.0.0.1:{port}",
        KAIFAQU_WORKERS="2",
        KAIFAQU_THREADS="2",
        KAIFAQU_TIMEOUT="30",
    )
    log = prepared / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (our own console script, fixed arguments)
            [kaifaqu_command(), "serve", "--fail-level", "ERROR"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kaifaqu serve did not answer within 120 s:\n{log.read_text()}")
            time.sleep(0.25)
        yield base, process.pid, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (a local test server)
        return answer.status, answer.headers.get("Content-Type", ""), answer.read()


def test_gunicorn_with_debug_off_serves_the_home_page_and_its_static_files(gunicorn, prepared):
    base, pid, log = gunicorn
    # The process started as `kaifaqu serve` prepared (nothing left to collect) and is now
    # gunicorn's master: exec, not a child.
    assert "Static files unchanged since they were last collected." in log.read_text()
    assert b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    manifest = json.loads((prepared / "static" / "staticfiles.json").read_text())
    css = manifest["paths"]["kaifaqu/kaifaqu.css"]

    status, content_type, body = _get(f"{base}/")
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    page = body.decode()
    assert "德州经济技术开发区" in page
    # The page links the hashed name from the manifest, and WhiteNoise serves it.
    assert f'href="/static/{css}"' in page
    status, content_type, body = _get(f"{base}/static/{css}")
    assert (status, content_type) == (200, 'text/css; charset="utf-8"')
    assert body == (prepared / "static" / css).read_bytes()

    status, content_type, body = _get(f"{base}/healthz")
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body) == {"database": "ok", "cache": "ok", "queue": "not configured"}
