"""PDF: LibreOffice headless converts the Word file.

Each conversion runs with its own user profile directory (parallel conversions with one
profile collide, and the second one fails or hangs) in its own temporary directory, under a
time limit, and everything is removed afterwards. Without LibreOffice the conversion raises
``PdfUnavailable`` with a message for the user; Word and HTML keep working.

The Word file names the official fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312), which
staff machines have and the server does not; a fontconfig file made for the job maps them
to the free fonts of specs/report-format.md so the PDF shows 仿宋/楷/黑 shapes, not one
fallback font.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

#: official font → the free fonts that stand in for it, in order of preference
SUBSTITUTES = {
    "仿宋_GB2312": ["FandolFang", "Noto Serif CJK SC"],
    "仿宋": ["FandolFang", "Noto Serif CJK SC"],
    "方正小标宋简体": ["Noto Serif CJK SC"],
    "宋体": ["Noto Serif CJK SC"],
    "黑体": ["Noto Sans CJK SC"],
    "楷体_GB2312": ["AR PL UKai CN", "Noto Serif CJK SC"],
    "楷体": ["AR PL UKai CN", "Noto Serif CJK SC"],
    "Times New Roman": ["Liberation Serif"],
}


class PdfUnavailable(RuntimeError):
    """No PDF could be made; the message says why, for the user."""


def soffice() -> str | None:
    return shutil.which(settings.KAIFAQU_SOFFICE)


def _fonts_conf(directory: Path) -> Path:
    aliases = "".join(
        '<alias binding="same"><family>{}</family><prefer>{}</prefer></alias>'.format(
            name, "".join(f"<family>{f}</family>" for f in free)
        )
        for name, free in SUBSTITUTES.items()
    )
    path = directory / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include>{aliases}</fontconfig>',
        encoding="utf-8",
    )
    return path


def convert(docx: bytes) -> bytes:
    """The PDF of a Word file."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(
            _(
                "PDF export needs LibreOffice (%(program)s), which is not installed on the "
                "server. Download the Word file instead."
            )
            % {"program": settings.KAIFAQU_SOFFICE}
        )
    with tempfile.TemporaryDirectory(prefix="kaifaqu-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        env = {**os.environ, "HOME": str(work), "FONTCONFIG_FILE": str(_fonts_conf(work))}
        command = [
            program,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        # A session of its own, so a time-out ends soffice.bin too, not only its launcher.
        process = subprocess.Popen(  # noqa: S603 (the program is the configured soffice)
            command,
            env=env,
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            process.communicate(timeout=settings.KAIFAQU_PDF_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable(
                _("LibreOffice took longer than %(seconds)d seconds; the PDF was not made.")
                % {"seconds": settings.KAIFAQU_PDF_TIMEOUT}
            ) from None
        result = work / "out" / "report.pdf"
        if not result.exists():
            raise PdfUnavailable(_("LibreOffice could not convert the Word file to PDF."))
        return result.read_bytes()
