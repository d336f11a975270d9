"""Test settings: the production settings with what only slows or blocks tests turned off."""

import os

from .settings import *  # noqa: F403

# Plain HTTP in the test client and the live server.
HTTPS = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Argon2 is slow by design; tests hash many passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server serves static files from the finders; no collectstatic before tests.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The demo shows sign-in links on the page; the tests follow them.
KAIFAQU_SHOW_SIGN_IN_LINKS = True
# A file, not SQLite's shared in-memory database: that one locks whole tables and ignores
# the busy timeout, so the tests that submit from several threads at once could not run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process: two test runs at once must not share (and drop) one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-kaifaqu-{os.getpid()}.sqlite3")}  # noqa: F405
# A fixed audit key (no file under var/); each test anchors to its own file (conftest).
KAIFAQU_AUDIT_KEY = "test-audit-key"
