"""Load on a production-like server: the portal's consultation form and the back office.

    .venv/bin/python bench/bench_load.py [--db sqlite|postgres|both] [--users 50]
        [--staff 20] [--seconds 60] [--workers 5] [--threads 4]

For each database it makes a fresh one (SQLite in var/bench/load/, or the PostgreSQL database
``--pg-db``, dropped and created with psql as postgres on 127.0.0.1, dropped again at the end
unless ``--keep-db``), migrates it, loads the demo and starts ``kaifaqu serve`` (the checks,
collectstatic, then gunicorn) on a free port of 127.0.0.1 with DEBUG off, a generated
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, HTTPS off (plain HTTP on loopback: no redirect, no
secure-only cookies, so the deploy check runs at ``--fail-level ERROR``), the consultation
rate limits raised, the cache on Redis (``--cache-url``) as a multi-worker deployment has it.
The server runs ``bench/bench_load_settings.py``: the project's settings with one more URL,
``/bench/bare/``, a view that does nothing, the baseline of every ratio.

Then, on that server, one phase after the other, each ``--seconds`` long:

1. ``--users`` visitors, each in a loop: GET the consultation form (its CSRF cookie and
   token), POST a valid consultation (a new phone number each time), GET the bare view.
   Accepted = a redirect to the "done" page. After the phase the consultations the run wrote
   are counted in the database and must equal the accepted answers; the audit chain is
   verified.
2. ``--staff`` staff, each signed in through the login form (as ``admin``, who opens every
   page), in a loop over the back-office pages, each followed by a GET of the bare view.

It prints every page's p50 and p95 beside the bare view's p95 measured under the same load,
and their ratio; any answer 500 or above, refused connection or time-out is a server error
(0 expected). Everything it sends goes to 127.0.0.1; every loop stops at the phase's end (and
after ``MAX_ROUNDS`` rounds); the servers it started are stopped when it ends, whatever
happens. Asserts nothing; exits 1 if there were server errors or lost rows.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
HOST = "127.0.0.1"
BARE = "/bench/bare/"
DEMO_PASSWORD = os.environ.get("KAIFAQU_DEMO_PASSWORD", "Kaifaqu@Demo2017")
STAFF_USERNAME = "admin"
#: The back-office pages, by name: the main page of each part.
PAGES = {
    "dashboard": "/backoffice/",
    "figures": "/backoffice/figures/",
    "stats entry": "/backoffice/stats/entry/?org=371471&period=2017-09",
    "investment kanban": "/backoffice/investment/",
    "investment list": "/backoffice/investment/projects/",
    "carriers": "/backoffice/carriers/",
    "consultations inbox": "/backoffice/consultations/",
    "reports": "/backoffice/reports/",
}
REQUEST_TIMEOUT = 30.0  # seconds a request may take before it counts as a server error
START_TIMEOUT = 180.0  # seconds for the server to answer after `kaifaqu serve` starts
MAX_ROUNDS = 1_000_000  # a bound on every client loop besides its time
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CATEGORY_RE = re.compile(rb'<select name="category".*?</select>', re.S)
OPTION_RE = re.compile(rb'<option value="([^"]+)"')


# --- HTTP -------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    location: str
    body: bytes
    seconds: float


class Browser:
    """One visitor: its cookies, a fresh connection per request, to 127.0.0.1 only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, *, cookies: bool = True
    ) -> Answer:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "kaifaqu-bench-load"}
        if cookies and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            return Answer(0, "", b"", time.perf_counter() - start)
        finally:
            connection.close()
        elapsed = time.perf_counter() - start
        if cookies:
            for header in response.msg.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
        return Answer(response.status, response.getheader("Location", ""), content, elapsed)

    def csrf_token(self, body: bytes) -> str:
        match = CSRF_RE.search(body)
        return match.group(1).decode() if match else ""


def sign_in(browser: Browser, username: str, password: str) -> bool:
    """Sign in through the login form as a person does. A second factor (TOTP, being added)
    goes here: after the password step, post the code to the page the login redirects to."""
    form = browser.request("GET", "/accounts/login/")
    token = browser.csrf_token(form.body)
    answer = browser.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
    )
    return answer.status == 302 and "/accounts/login/" not in answer.location


# --- measures ---------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, answer: Answer, *, ok: bool) -> None:
        with self.lock:
            if answer.status == 0 or answer.status >= 500:
                self.counts["server errors"] += 1
                self.samples.setdefault(f"server error on {name}", repr(answer.body[:300]))
            elif not ok:
                self.counts[f"unexpected {answer.status} on {name}"] += 1
                self.samples.setdefault(f"{answer.status} on {name}", repr(answer.body[:300]))
            self.times[name].append(answer.seconds)

    def count(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1


def percentile(values: list[float], q: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def run_clients(
    count: int, seconds: float, body: Callable[[int, float], None], pid: int | None = None
) -> tuple[float, str]:
    """``count`` threads running ``body(index, deadline)``; the wall time they took, and what
    the machine did meanwhile (with the server's ``pid``)."""
    load, client, server = os.getloadavg()[0], time.process_time(), server_cpu(pid or 0)
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=body, args=(i, deadline), daemon=True) for i in range(count)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 2 * REQUEST_TIMEOUT + 10)
    wall = time.monotonic() - start
    client, server = time.process_time() - client, server_cpu(pid or 0) - server
    note = (
        f"load average {load:.1f} → {os.getloadavg()[0]:.1f}; CPU of gunicorn"
        f" {server / wall:.2f} cores, of the clients {client / wall:.2f}"
    )
    return wall, note


def print_table(tally: Tally, names: list[str], wall: float) -> None:
    bare = tally.times[BARE]
    bare95 = percentile(bare, 0.95) if bare else float("nan")
    head = f"{'requests':>8} {'per s':>6} {'p50 ms':>8} {'p95 ms':>8} {'/ bare p95':>10}"
    print(f"  {'page':24} {head}")
    for name in [*names, BARE]:
        times = tally.times.get(name) or []
        if not times:
            print(f"  {name:24} {0:8}")
            continue
        p50, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
        ratio = p95 / (bare95 * 1000)
        label = "bare view" if name == BARE else name
        print(
            f"  {label:24} {len(times):8} {len(times) / wall:6.1f} {p50:8.1f} {p95:8.1f}"
            f" {ratio:9.1f}×"
        )


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def kaifaqu(env: dict[str, str], *args: str) -> str:
    """A kaifaqu command on the benchmark's settings; its output."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kaifaqu", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode:
        sys.exit(f"kaifaqu {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", "-h", HOST, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],  # noqa: S607
        check=True,
        timeout=120,
    )


def server_env(args: argparse.Namespace, db: str, port: int, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    if db == "sqlite":
        database_url = f"sqlite:///{var_dir / 'load.sqlite3'}"
    else:
        database_url = f"postgres://postgres@{HOST}:5432/{args.pg_db}"
    env.update(
        DJANGO_SETTINGS_MODULE="bench_load_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH_DIR), str(ROOT)]),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        HTTPS="0",  # plain HTTP on loopback: no redirect to HTTPS, no secure-only cookies
        KAIFAQU_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        KAIFAQU_CONSULT_RATE_PER_IP="100000000/3600",
        KAIFAQU_CONSULT_RATE_PER_CONTACT="100000000/3600",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        KAIFAQU_WORKERS=str(args.workers),
        KAIFAQU_THREADS=str(args.threads),
        KAIFAQU_BIND=f"{HOST}:{port}",
        LOG_LEVEL="WARNING",
    )
    if args.cache_url != "none":
        env["CACHE_URL"] = args.cache_url
    else:
        env.pop("CACHE_URL", None)
    return env


@contextmanager
def server(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``kaifaqu serve`` (which becomes gunicorn, same pid, its own process group), stopped
    with TERM on leaving, KILL to its group if it has not stopped 20 s later."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kaifaqu", "serve", "--fail-level", "ERROR"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        probe = Browser(port)
        deadline = time.monotonic() + START_TIMEOUT
        while probe.request("GET", BARE, cookies=False).status != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the server did not start; see {log}:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


# --- the phases -------------------------------------------------------------------------


def server_cpu(pid: int) -> float:
    """Processor seconds used so far by gunicorn's master and its workers (not the database)."""
    total = 0
    if not pid:
        return 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # itself, or its child
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def portal_phase(
    args: argparse.Namespace, port: int, pid: int, marker: str, users: int, seconds: float
) -> tuple[Tally, float, str]:
    tally = Tally()
    probe = Browser(port)
    form = probe.request("GET", "/consult/")
    if form.status != 200:
        sys.exit(f"the consultation form answered {form.status}")
    select = CATEGORY_RE.search(form.body)
    categories = [v.decode() for v in OPTION_RE.findall(select.group(0) if select else b"")]
    if not categories:
        sys.exit("no category on the consultation form")

    def visitor(index: int, deadline: float) -> None:
        for n in range(MAX_ROUNDS):
            if time.monotonic() >= deadline:
                return
            browser = Browser(port)  # a new visitor each time: no cookie yet
            page = browser.request("GET", "/consult/")
            tally.add("consultation form", page, ok=page.status == 200)
            token = browser.csrf_token(page.body)
            if not token:
                continue
            data = {
                "csrfmiddlewaretoken": token,
                "category": categories[n % len(categories)],
                "question": f"{marker} {index}-{n}: 请问园区厂房的租金和入驻条件是什么？",
                "name": "压测访客",
                "organisation": "压测有限公司",
                "phone": f"139{index:03d}{n % 100000:05d}",
                "email": "",
                "consent": "on",
                "website": "",
            }
            sent = browser.request("POST", "/consult/", data)
            accepted = sent.status == 302 and sent.location.endswith("/consult/done/")
            tally.add("consultation POST", sent, ok=accepted)
            if accepted:
                tally.count("accepted")
            bare = browser.request("GET", BARE, cookies=False)
            tally.add(BARE, bare, ok=bare.status == 200)

    wall, note = run_clients(users, seconds, visitor, pid)
    return tally, wall, note


def staff_phase(
    args: argparse.Namespace, port: int, pid: int, users: int, seconds: float
) -> tuple[Tally, float, str]:
    tally = Tally()
    browsers = []
    for _ in range(users):
        browser = Browser(port)
        if not sign_in(browser, STAFF_USERNAME, DEMO_PASSWORD):
            sys.exit(f"{STAFF_USERNAME} could not sign in")
        browsers.append(browser)
    names = list(PAGES)
    for name, path in PAGES.items():  # each page opens, before it is timed
        answer = browsers[0].request("GET", path)
        if answer.status != 200:
            sys.exit(f"{name} ({path}) answered {answer.status} {answer.location}")
    warm_up(args, browsers, list(PAGES.values()))

    def staff(index: int, deadline: float) -> None:
        browser = browsers[index]
        for n in range(MAX_ROUNDS):
            if time.monotonic() >= deadline:
                return
            name = names[(index + n) % len(names)]
            page = browser.request("GET", PAGES[name])
            tally.add(name, page, ok=page.status == 200)
            bare = browser.request("GET", BARE, cookies=False)
            tally.add(BARE, bare, ok=bare.status == 200)

    wall, note = run_clients(users, seconds, staff, pid)
    return tally, wall, note


def warm_up(args: argparse.Namespace, browsers: list[Browser], paths: list[str]) -> None:
    """Each path asked a few times at once by as many clients as the server has threads, so
    that every worker has loaded its code, translations and templates before it is timed (a
    worker's first page takes seconds on a busy machine)."""
    clients = args.workers * args.threads

    def client(index: int, deadline: float) -> None:
        browser = browsers[index % len(browsers)]
        for _ in range(3):
            for path in paths:
                if time.monotonic() < deadline:
                    browser.request("GET", path)

    run_clients(clients, 60, client)


def count_rows(env: dict[str, str], marker: str) -> int:
    code = (
        "from kaifaqu.consultations.models import Consultation; "
        f"print(Consultation.objects.filter(question__startswith={marker!r}).count())"
    )
    return int(kaifaqu(env, "shell", "-c", code).strip().splitlines()[-1])


def report_problems(tally: Tally) -> None:
    for name, count in sorted(tally.counts.items()):
        if name not in ("accepted", "server errors"):
            print(f"  {name}: {count}")
    for name, sample in tally.samples.items():
        print(f"  first {name}: {sample}")


def run(args: argparse.Namespace, db: str) -> bool:
    """One database: prepare, serve, both phases. Whether all went as expected."""
    var_dir = ROOT / "var" / "bench" / "load"
    var_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = server_env(args, db, port, var_dir)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"load.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        psql(f'DROP DATABASE IF EXISTS "{args.pg_db}"')
        psql(f'CREATE DATABASE "{args.pg_db}"')
    shutil.rmtree(var_dir / "media", ignore_errors=True)
    try:
        started = time.monotonic()
        kaifaqu(env, "migrate", "--noinput", "-v", "0")
        kaifaqu(env, "load_demo", "-v", "0")
        print(f"\n== {db}: fresh database with the demo in {time.monotonic() - started:.0f} s")
        marker = f"bench-{secrets.token_hex(4)}"
        good = True
        with server(env, port, var_dir / f"server-{db}.log") as process:
            print(
                f"   gunicorn pid {process.pid} on {HOST}:{port}, {args.workers} workers ×"
                f" {args.threads} threads, cache {args.cache_url}"
            )
            warm_up(args, [Browser(port)], ["/consult/", BARE])
            accepted = 0
            for users in (1, args.users):
                seconds = args.alone_seconds if users == 1 else args.seconds
                tally, wall, note = portal_phase(args, port, process.pid, marker, users, seconds)
                print(f"-- portal: {users} visitor(s) for {wall:.0f} s ({note})")
                print_table(tally, ["consultation form", "consultation POST"], wall)
                accepted += tally.counts["accepted"]
                errors = tally.counts["server errors"]
                done = tally.counts["accepted"]
                print(f"  accepted {done} ({done / wall:.1f}/s), server errors {errors}")
                report_problems(tally)
                good = good and errors == 0
            stored = count_rows(env, marker)
            print(f"  accepted in all {accepted}, stored {stored}")
            good = good and stored == accepted
            for users in (1, args.staff):
                seconds = args.alone_seconds if users == 1 else args.seconds
                tally, wall, note = staff_phase(args, port, process.pid, users, seconds)
                print(f"-- back office: {users} signed-in staff for {wall:.0f} s ({note})")
                print_table(tally, list(PAGES), wall)
                errors = tally.counts["server errors"]
                print(f"  server errors {errors}")
                report_problems(tally)
                good = good and errors == 0
        chain = kaifaqu(env, "verify_audit_chain").strip().splitlines()
        print(f"  audit chain: {chain[-1] if chain else '?'}")
        return good
    finally:
        if db == "postgres" and not args.keep_db:
            psql(f'DROP DATABASE IF EXISTS "{args.pg_db}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--users", type=int, default=50, help="visitors at once (portal)")
    parser.add_argument("--staff", type=int, default=20, help="signed-in staff at once")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument(
        "--alone-seconds", type=float, default=5, help="one client alone first, this long"
    )
    parser.add_argument("--workers", type=int, default=5, help="KAIFAQU_WORKERS")
    parser.add_argument("--threads", type=int, default=4, help="KAIFAQU_THREADS")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/5", help="or none")
    parser.add_argument("--pg-db", default="kaifaqu_bench")
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 0 < args.users <= 500 or not 0 < args.staff <= 500:
        parser.error("seconds up to 3600, users and staff up to 500")
    print(
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPUs, load average"
        f" {os.getloadavg()[0]:.2f}"
    )
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [run(args, db) for db in databases]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
