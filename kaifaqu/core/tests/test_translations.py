"""Every UI string has its Chinese translation, and the compiled catalogue is current."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from kaifaqu.core.testing import require_program

PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def test_every_message_in_the_catalogue_is_translated():
    assert _untranslated(polib.pofile(str(PO))) == []


def test_the_compiled_catalogue_matches_the_source():
    po = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(PO))}
    mo = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(MO))}
    po.pop((None, ""), None)
    mo.pop((None, ""), None)
    stale = sorted(k[1] for k in po.keys() ^ mo.keys())
    assert stale == [], "run `make messages` to recompile the catalogue"
    changed = sorted(k[1] for k in po if po[k][0] != mo[k][0])
    assert changed == [], "run `make messages` to recompile the catalogue"


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    """Extract the strings afresh (as `make messages` does) in a copy of the package."""
    require_program("xgettext", "gettext")
    package = Path(settings.PACKAGE_DIR)
    copy = tmp_path / "src" / "kaifaqu"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src"), "KAIFAQU_VAR_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "kaifaqu.config.settings"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "--ignore",
            "tests/*",
            "--ignore",
            "*/tests/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert _untranslated(fresh) == [], "new strings: run `make messages` and translate them"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "expected", "absent"),
    [(None, "工作人员登录", "Staff login"), ("en", "Staff login", "工作人员登录")],
)
def test_pages_speak_chinese_unless_english_is_chosen(client, demo, cookie, expected, absent):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert expected in html
    assert absent not in html
