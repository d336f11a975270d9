"""Response headers and deployment checks (issue 12): the client's address believed from a
proxy's header only when the request comes from a trusted proxy; the Content Security Policy
and Permissions-Policy on every page, with no inline script or handler; the deploy check's
warning for a per-process cache with several workers; a Redis CACHE_URL gives a working cache."""

from __future__ import annotations

import os
import re

import environ
import pytest
from django.core.checks import Warning as CheckWarning
from django.test import RequestFactory

from kaifaqu.core.checks import shared_cache_for_workers
from kaifaqu.core.context import client_ip
from kaifaqu.core.testing import skip_or_fail


def _ip(settings, trusted: list[str], remote: str, **headers: str) -> str | None:
    settings.KAIFAQU_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/")
    request.META.update({"REMOTE_ADDR": remote, **headers})
    return client_ip(request)


@pytest.mark.parametrize(
    ("trusted", "remote", "headers", "expected"),
    [
        # No trusted proxy: the header is ignored, whoever sends it.
        ([], "203.0.113.9", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.9"),
        ([], "127.0.0.1", {"HTTP_X_REAL_IP": "1.2.3.4"}, "127.0.0.1"),
        # A client that is not the proxy cannot set its address.
        (["127.0.0.1"], "203.0.113.9", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.9"),
        # From the proxy: the rightmost address that is not a trusted proxy.
        (["127.0.0.1"], "127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
        (
            ["127.0.0.1", "10.0.0.0/8"],
            "127.0.0.1",
            {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9, 10.1.2.3"},
            "203.0.113.9",
        ),
        # X-Real-IP when the proxy sends no X-Forwarded-For.
        (["127.0.0.1"], "127.0.0.1", {"HTTP_X_REAL_IP": "198.51.100.7"}, "198.51.100.7"),
        # Garbage in the header: the proxy's own address, never the garbage.
        (["127.0.0.1"], "127.0.0.1", {"HTTP_X_FORWARDED_FOR": "<script>"}, "127.0.0.1"),
        (["::1"], "::1", {"HTTP_X_FORWARDED_FOR": "2001:db8::5"}, "2001:db8::5"),
        # The proxy without a header: its own address.
        (["127.0.0.1"], "127.0.0.1", {}, "127.0.0.1"),
    ],
)
def test_the_client_address(settings, trusted, remote, headers, expected):
    assert _ip(settings, trusted, remote, **headers) == expected


def test_several_workers_with_a_per_process_cache_is_a_deploy_warning(settings):
    settings.KAIFAQU_WORKERS = 4
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    warnings = shared_cache_for_workers()
    assert [(w.id, type(w)) for w in warnings] == [("kaifaqu.W001", CheckWarning)]
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://x/0"}
    }
    assert shared_cache_for_workers() == []
    settings.KAIFAQU_WORKERS = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert shared_cache_for_workers() == []


def test_a_redis_cache_url_gives_a_shared_working_cache():
    from django.utils.module_loading import import_string

    url = os.environ.get("KAIFAQU_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
    os.environ["KAIFAQU_TEST_CACHE_URL"] = url
    config = environ.Env().cache_url("KAIFAQU_TEST_CACHE_URL")
    assert config["BACKEND"] == "django_redis.cache.RedisCache"
    RedisCache = import_string(config["BACKEND"])
    options = {k: v for k, v in config.items() if k not in ("BACKEND", "LOCATION")}
    first = RedisCache(config["LOCATION"], options)
    second = RedisCache(config["LOCATION"], options)  # another worker's connection
    try:
        first.delete("kaifaqu:test:count")
    except Exception as error:
        skip_or_fail(f"Redis not reachable at {url}: {error}")
    try:
        assert first.add("kaifaqu:test:count", 0, timeout=60) is True
        assert first.incr("kaifaqu:test:count") == 1
        assert second.incr("kaifaqu:test:count") == 2
        assert second.decr("kaifaqu:test:count") == 1
        assert first.get("kaifaqu:test:count") == 1
    finally:
        first.delete("kaifaqu:test:count")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=|javascript:|\shx-on|js:", re.IGNORECASE)


def assert_safe_page(response, url: str = "") -> None:
    policy = response["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert response["Permissions-Policy"].startswith("camera=(), microphone=(), geolocation=()")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if "text/html" in response.get("Content-Type", ""):
        html = response.content.decode()
        assert (url, INLINE_SCRIPT.findall(html)) == (url, [])
        assert (url, INLINE_HANDLER.findall(html)) == (url, [])


def test_every_response_carries_the_policies(client):
    assert_safe_page(client.get("/healthz"))


HREF = re.compile(r'href="(/[^"#]*)"')
#: Links a walk must not follow: they act (sign out) or stream big files.
SKIP = re.compile(r"^/(static|media)/|logout|sign-out|signout|/export|\.pdf|\.xlsx|\.docx|\.csv")


def walk(client, start: str = "/", limit: int = 120) -> list[str]:
    """Every page reachable by links from ``start`` (up to ``limit``), each checked."""
    seen: list[str] = []
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.append(url)
        response = client.get(url)
        assert_safe_page(response, url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for link in HREF.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                # One page of each list: its other pages and filters have the same markup.
                if "?" in link and link.split("?")[0] in seen + queue:
                    continue
                if link not in seen and link not in queue:
                    queue.append(link)
    return seen


@pytest.mark.parametrize("who", [None, "investment", "economy", "leader", "secadmin"])
def test_every_demo_page_has_the_policies_and_no_inline_script(client, demo, media, as_user, who):
    if who is not None:
        as_user(who)
    pages = walk(client, "/" if who is None else "/backoffice/")
    assert len(pages) > 5


class _Stored:
    """Enough of a FieldFile for stored_file_response."""

    def __init__(self, name: str) -> None:
        self.name = name

    def open(self, mode: str = "rb"):
        import io

        return io.BytesIO(b"<html><script>alert(1)</script></html>")


@pytest.mark.parametrize(
    ("name", "content_type", "inline", "disposition"),
    [
        ("photo.png", "image/png", True, 'inline; filename="photo.png"'),
        ("photo.jpg", None, True, 'inline; filename="photo.jpg"'),
        ("logo.svg", "image/svg+xml", True, 'attachment; filename="logo.svg"'),
        ("page.html", "text/html", True, 'attachment; filename="page.html"'),
        ("photo.png", "text/html", True, 'attachment; filename="photo.png"'),
        ("report.pdf", "application/pdf", False, 'attachment; filename="report.pdf"'),
        ("plan.docx", None, False, 'attachment; filename="plan.docx"'),
        ("photo.png", "image/png", False, 'attachment; filename="photo.png"'),
    ],
)
def test_an_upload_is_inline_only_as_a_raster_image(name, content_type, inline, disposition):
    from kaifaqu.core.http import stored_file_response

    response = stored_file_response(_Stored(name), content_type=content_type, inline=inline)  # type: ignore[arg-type]
    assert response["Content-Disposition"] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"
