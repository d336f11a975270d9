#!/usr/bin/env python3
"""docs/deploy.md, followed by a program: the acceptance of a production install.

    python3 deploy/acceptance.py [--keep] [--workdir DIR]

On this machine (Debian, PostgreSQL on 127.0.0.1:5432 with a role that may create roles and
databases, Redis on 127.0.0.1:6379, LibreOffice, git, Node.js), in a temporary directory
standing for the server's folders, it does what docs/deploy.md tells a zone's IT staff to do:

1. a clean clone of this checkout's HEAD (`/srv/kaifaqu`), its virtual environment with
   `pip install -e .` (no development tools) and `npm ci --omit=dev`;
2. a PostgreSQL role and database of their own, the settings file made from
   `deploy/kaifaqu.env.example` and linked as `.env`;
3. `make deploy-prepare`;
4. the web service, the job worker and the scheduler, each started with the `ExecStart` line
   of its systemd unit in `deploy/systemd/` (the paths moved into the temporary directory);
   `/healthz` must report the database, the cache and the queue up;
5. the demo zone loaded, so that there is a report to draft, and a new department editor's
   account opened as step 8 of docs/deploy.md opens accounts;
6. a sign-in through the login page as a member of staff with write rights, enrolling the
   second factor (TOTP) on first sign-in and answering it;
7. a report drafted and its PDF made through the worker, the draft page polled until done;
8. `kaifaqu backup` while the site runs, `kaifaqu restore` into a new, empty database, and
   `verify_audit_chain` there.

nginx is not installed: the requests carry the headers nginx sets (the host, the scheme).
Only loopback addresses are contacted; every wait is bounded; what it started it stops, and
it drops the databases and the directory it made (unless --keep). It exits non-zero at the
first step that fails, naming it.
"""

# Fixed commands of this project and the machine (git, psql, pip), run on loopback only:
# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "kaifaqu.test"
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
REDIS_DB = {"cache": 11, "broker": 12, "results": 13}
# A new member of staff opened as docs/deploy.md step 8 opens accounts (through the services,
# as the system): a department editor, so the second factor applies and is enrolled at the
# first sign-in (the demo's own accounts come enrolled with the demo's published secret).
STAFF_USER = "acceptance"
STAFF_PASSWORD = secrets.token_urlsafe(12) + "aA1!"
OPEN_ACCOUNT = """
from kaifaqu.core.services import user_create
from kaifaqu.orgs.models import Department
from kaifaqu.orgs.services import membership_grant
user = user_create(actor=None, username="{username}", password="{password}", full_name="验收")
membership_grant(actor=None, user=user, department=Department.objects.get(code="economy"),
                 role="editor")
"""


class StepFailed(Exception):
    pass


def step(title: str) -> None:
    print(f"== {title}", flush=True)


def run(
    cmd: list[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: int = 900,
    input_text: str | None = None,
) -> str:
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input_text,
        check=False,
    )
    if done.returncode != 0:
        raise StepFailed(
            f"{shlex.join(cmd)} exited {done.returncode}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def totp(secret_b32: str, at: float | None = None, step_s: int = 30, digits: int = 6) -> str:
    """RFC 6238, as an authenticator app computes it."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step_s)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


class Browser:
    """Cookies and CSRF as a browser keeps them, behind a proxy that terminated TLS."""

    def __init__(self, base: str) -> None:
        self.base = base
        policy = http.cookiejar.DefaultCookiePolicy()
        # The cookies are Secure (HTTPS is on); nginx would carry them over TLS.
        policy.return_ok_secure = lambda cookie, request: True  # type: ignore[method-assign]
        self.jar = http.cookiejar.CookieJar(policy)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        follow: bool = True,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str, str, bytes]:
        url = urllib.parse.urljoin(self.base, path)
        for _ in range(10):
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            req = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - loopback
            req.add_header("Host", HOST)
            req.add_header("X-Forwarded-Proto", "https")
            req.add_header("Accept-Language", "zh-hans")
            for name, value in (headers or {}).items():
                req.add_header(name, value)
            if method == "POST":
                req.add_header("Referer", f"https://{HOST}{urllib.parse.urlsplit(url).path}")
                req.add_header("X-CSRFToken", self.csrf())
            try:
                with self.opener.open(req, timeout=120) as resp:
                    status, headers, content = resp.status, resp.headers, resp.read()
            except urllib.error.HTTPError as err:
                status, headers, content = err.code, err.headers, err.read()
            location = headers.get("Location", "")
            if follow and status in (301, 302, 303) and location:
                url = urllib.parse.urljoin(url, location.replace(f"https://{HOST}", self.base))
                method, data = "GET", None
                continue
            return status, url, headers.get("Content-Type", ""), content
        raise StepFailed(f"too many redirects from {path}")

    def get(self, path: str) -> tuple[int, str, str]:
        status, url, _type, content = self.request("GET", path)
        return status, url, content.decode("utf-8", "replace")

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        data = {"csrfmiddlewaretoken": self.csrf(), **data}
        status, url, _type, content = self.request("POST", path, data)
        return status, url, content.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None


def hidden_inputs(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


@contextmanager
def services(
    srv: Path, var: Path, env: dict[str, str]
) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in ("web", "worker", "beat"):
            unit = (srv / "deploy" / "systemd" / f"kaifaqu-{name}.service").read_text()
            line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
            cmd = line.removeprefix("ExecStart=")
            cmd = cmd.replace("/srv/kaifaqu", str(srv)).replace("/var/lib/kaifaqu", str(var))
            log = (var / f"{name}.log").open("wb")
            procs[name] = subprocess.Popen(
                shlex.split(cmd),
                cwd=srv,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        yield procs
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_healthy(base: str, procs: dict[str, subprocess.Popen[bytes]], var: Path) -> dict[str, str]:
    deadline = time.monotonic() + 180
    last = ""
    while time.monotonic() < deadline:
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise StepFailed(
                    f"{name} exited {proc.returncode}:\n{(var / f'{name}.log').read_text()[-3000:]}"
                )
        try:
            req = urllib.request.Request(f"{base}/healthz", headers={"Host": HOST})  # noqa: S310
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback
                answer = json.loads(resp.read())
            if all(v == "ok" for v in answer.values()):
                return answer
            last = json.dumps(answer)
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError) as err:
            last = str(err)
        time.sleep(1)
    raise StepFailed(f"/healthz not all ok within 180 s: {last}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workdir", type=Path, help="keep everything here instead of a temporary directory"
    )
    parser.add_argument("--keep", action="store_true", help="leave the directory and databases")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kaifaqu-acceptance-"))
    work.mkdir(parents=True, exist_ok=True)
    srv, var, backups = work / "srv", work / "var", work / "backups"
    tag = secrets.token_hex(4)
    role, db, db_restored = (
        f"kaifaqu_acc_{tag}",
        f"kaifaqu_acc_{tag}",
        f"kaifaqu_acc_{tag}_restored",
    )
    started = time.monotonic()
    try:
        step("1. a clean checkout, its virtual environment and front-end files")
        run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(srv)], cwd=work)
        run([sys.executable, "-m", "venv", ".venv"], cwd=srv)
        run([".venv/bin/pip", "install", "--quiet", "-e", "."], cwd=srv, timeout=1800)
        run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"], cwd=srv)
        run([".venv/bin/python", "-m", "compileall", "-q", "kaifaqu"], cwd=srv)

        step("2. the database, its role, and the settings file")
        password = secrets.token_urlsafe(18)
        run(["psql", *PG, "-qc", f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"], cwd=work)
        run(
            ["createdb", *PG, "--owner", role, "--encoding", "UTF8", "--template", "template0", db],
            cwd=work,
        )
        port = free_port()
        settings = {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "DATABASE_URL": f"postgres://{role}:{password}@127.0.0.1:5432/{db}",
            "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB['cache']}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB['broker']}",
            "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:6379/{REDIS_DB['results']}",
            "KAIFAQU_AUDIT_KEY": secrets.token_urlsafe(48),
            "KAIFAQU_VAR_DIR": str(var),
            "KAIFAQU_BIND": f"127.0.0.1:{port}",
            "KAIFAQU_WORKERS": "2",
            "KAIFAQU_SITE_URL": f"https://{HOST}",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        lines = []
        for line in (srv / "deploy" / "kaifaqu.env.example").read_text().splitlines():
            key = line.lstrip("#").split("=", 1)[0]
            if "=" in line and key in settings:
                line = f"{key}={settings.pop(key)}"
            lines.append(line)
        lines += [f"{key}={value}" for key, value in settings.items()]
        env_file = work / "kaifaqu.env"
        env_file.write_text("\n".join(lines) + "\n")
        env_file.chmod(0o640)
        (srv / ".env").symlink_to(env_file)
        var.mkdir(mode=0o750)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO", "KAIFAQU", "DATABASE"))
        }
        env["DJANGO_SETTINGS_MODULE"] = "kaifaqu.config.settings"
        for n in REDIS_DB.values():
            run(["redis-cli", "-n", str(n), "FLUSHDB"], cwd=work)

        step("3. make deploy-prepare")
        run(["make", "deploy-prepare"], cwd=srv, env=env)

        step("5. the demo zone (a report to draft)")
        run([".venv/bin/kaifaqu", "load_demo"], cwd=srv, env=env, timeout=1800)
        account = OPEN_ACCOUNT.format(username=STAFF_USER, password=STAFF_PASSWORD)
        run([".venv/bin/kaifaqu", "shell", "-c", account], cwd=srv, env=env)

        step("4. web, worker and scheduler from their systemd units; /healthz")
        base = f"http://127.0.0.1:{port}"
        with services(srv, var, env) as procs:
            health = wait_healthy(base, procs, var)
            print(f"   /healthz: {health}")

            step("6. sign in with the second factor")
            browser = Browser(base)
            sign_in_with_second_factor(browser)

            step("7. a report drafted and its PDF made by the worker")
            pdf = draft_pdf_through_worker(browser)
            print(f"   PDF of {len(pdf)} bytes")

            step("8. backup while the site runs")
            run([".venv/bin/kaifaqu", "backup", "--output", str(backups)], cwd=srv, env=env)
        archive = next(backups.glob("kaifaqu-backup-*.tar"))

        step("8. restore into a new database and verify")
        run(
            [
                "createdb",
                *PG,
                "--owner",
                role,
                "--encoding",
                "UTF8",
                "--template",
                "template0",
                db_restored,
            ],
            cwd=work,
        )
        restored = {
            **env,
            "DATABASE_URL": settings_url(env_file).rsplit("/", 1)[0] + f"/{db_restored}",
            "KAIFAQU_VAR_DIR": str(work / "var-restored"),
        }
        print(
            run([".venv/bin/kaifaqu", "restore", str(archive)], cwd=srv, env=restored).strip()[
                -800:
            ]
        )
        print(run([".venv/bin/kaifaqu", "verify_audit_chain"], cwd=srv, env=restored).strip())
    except StepFailed as err:
        print(f"FAILED: {err}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            for name in (db_restored, db):
                subprocess.run(
                    ["dropdb", *PG, "--if-exists", name], check=False, capture_output=True
                )
            subprocess.run(
                ["psql", *PG, "-qc", f"DROP ROLE IF EXISTS {role}"],
                check=False,
                capture_output=True,
            )
            if not args.workdir:
                shutil.rmtree(work, ignore_errors=True)
    print(f"accepted in {time.monotonic() - started:.0f} s")
    return 0


def settings_url(env_file: Path) -> str:
    for line in env_file.read_text().splitlines():
        if line.startswith("DATABASE_URL="):
            return line.split("=", 1)[1]
    raise StepFailed("no DATABASE_URL in the settings file")


def sign_in_with_second_factor(browser: Browser) -> None:
    """The login page, then the second factor's enrolment at first sign-in, answered as an
    authenticator app would from the secret the page shows."""
    status, url, html = browser.get("/accounts/login/")
    if status != 200:
        raise StepFailed(f"the login page answered {status}")
    status, url, html = browser.post(
        "/accounts/login/", {"username": STAFF_USER, "password": STAFF_PASSWORD}
    )
    if "second-factor/enrol" not in url:
        raise StepFailed(f"the first sign-in did not ask to enrol a second factor ({url})")
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]{16,})<', html)
    if secret is None:
        raise StepFailed("the enrolment page shows no secret")
    path = urllib.parse.urlsplit(url).path
    answer = {**hidden_inputs(html), "code": totp(secret.group(1))}
    answer.pop("csrfmiddlewaretoken", None)
    status, url, html = browser.post(path, answer)
    if "second-factor" in url and "recovery" not in html.lower() and "恢复" not in html:
        raise StepFailed(f"the code was not accepted ({status} {url})")
    status, url, html = browser.get("/backoffice/")
    if status != 200 or "/accounts/" in url:
        raise StepFailed(f"the back office did not open after the second factor ({status} {url})")
    print(f"   signed in as {STAFF_USER} with TOTP")


def _wait_for_job(browser: Browser, url: str) -> str:
    """Polls a job's page as the page's htmx does, until the job is done; its result link."""
    path = urllib.parse.urlsplit(url).path
    if "/backoffice/jobs/" not in path:
        return path  # done within the request (no broker): already at the result
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        _status, _url, _type, content = browser.request(
            "GET", path, follow=False, headers={"HX-Request": "true"}
        )
        fragment = content.decode("utf-8", "replace")
        if 'class="alert alert-danger' in fragment:
            raise StepFailed(f"the job failed: {re.sub(r'<[^>]+>', ' ', fragment).strip()}")
        if "hx-trigger" not in fragment:
            link = re.search(r'<a class="alert-link" href="([^"]+)"', fragment)
            if link is None:
                raise StepFailed(f"the finished job offers no result: {fragment[:500]}")
            return link.group(1)
        time.sleep(1)
    raise StepFailed(f"the job at {path} did not finish within 300 s")


def draft_pdf_through_worker(browser: Browser) -> bytes:
    """The demo's report drafted, then its PDF, each a job the worker runs."""
    create = "/backoffice/reports/types/progress/drafts/"
    status, url, _html = browser.post(create, {"org": "371471", "period": "2017-01/2017-09"})
    if status != 200:
        raise StepFailed(f"drafting answered {status} at {url}")
    draft = _wait_for_job(browser, url)
    match = re.search(r"/backoffice/reports/drafts/(\d+)/", draft)
    if match is None:
        raise StepFailed(f"the draft job led to {draft}, not a draft")
    pdf_path = f"/backoffice/reports/drafts/{match.group(1)}/pdf/"
    status, url, _type, _content = browser.request(
        "POST", pdf_path, {"csrfmiddlewaretoken": browser.csrf()}
    )
    if status != 200:
        raise StepFailed(f"the PDF request answered {status} at {url}")
    file_path = _wait_for_job(browser, url)
    status, _url, content_type, pdf = browser.request("GET", file_path)
    if status != 200 or not pdf.startswith(b"%PDF-"):
        raise StepFailed(f"the PDF download answered {status} {content_type}")
    return pdf


if __name__ == "__main__":
    sys.exit(main())
