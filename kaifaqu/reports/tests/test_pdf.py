"""PDF: LibreOffice converts the Word file; the PDF's text (pdftotext) holds the report's
sentences. Without LibreOffice: a clear PdfUnavailable, and the rest works."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from kaifaqu.reports import render
from kaifaqu.reports.pdf import PdfUnavailable, soffice
from kaifaqu.reports.services import draft_create

from .conftest import PERIOD, ZONE


def need(program: str | None, name: str) -> None:
    if program:
        return
    if os.environ.get("KAIFAQU_REQUIRE_ALL"):
        pytest.fail(f"{name} is not installed and KAIFAQU_REQUIRE_ALL is set")
    pytest.skip(f"{name} is not installed (apt: libreoffice-writer-nogui, poppler-utils)")


@pytest.fixture
def draft(demo, progress):
    return draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)


def test_the_pdf_holds_the_reports_sentences(draft, tmp_path):
    need(soffice(), "LibreOffice (soffice)")
    need(shutil.which("pdftotext"), "pdftotext")
    pdf = render.pdf_bytes(draft)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf)
    command = ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"]  # Debian's poppler-utils
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    flat = re.sub(r"\s+", "", out)
    pages = re.findall(r"—(\d+)—", flat)
    flat = re.sub(r"—\d+—", "", flat)  # the footers, wherever a page breaks a sentence
    for sentence in (
        "德州经济技术开发区2017年前三季度工作进展情况",
        "2017年前三季度，预计实现地区生产总值185亿元，同比增长8.0%，比去年同期提高0.6个百分点；",
        "2017年1—8月，预计三次产业比例调整为2.4:60.6:37，三产占比同比提高0.1个百分点；",
        "新签约项目50个，同比增长38.9%，合同投资额192亿元，增长327%；",
        "过100万元213家，比去年增加62家。",
    ):
        assert sentence in flat
    assert pages[:3] == ["1", "2", "3"]  # "— n —" on odd and even pages


@override_settings(KAIFAQU_SOFFICE="no-such-soffice-kaifaqu")
def test_without_libreoffice_pdf_says_so_and_word_still_works(draft):
    with translation.override("en"), pytest.raises(PdfUnavailable) as refused:
        render.pdf_bytes(draft)
    assert "PDF export needs LibreOffice (no-such-soffice-kaifaqu)" in str(refused.value)
    assert render.docx(draft, review=False).startswith(b"PK")


@override_settings(KAIFAQU_SOFFICE="no-such-soffice-kaifaqu")
def test_the_command_says_so_too(demo, progress, tmp_path):
    with translation.override("en"), pytest.raises(CommandError, match="needs LibreOffice"):
        call_command(
            "draft_report",
            "--type",
            "progress",
            "--org",
            ZONE,
            "--period",
            PERIOD,
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "r.pdf"),
        )
    assert not (tmp_path / "r.pdf").exists()


def test_the_pdf_after_a_block_edit_holds_the_edit(draft, tmp_path):
    from kaifaqu.reports.services import draft_block_save, pdf_start

    need(soffice(), "LibreOffice (soffice)")
    need(shutil.which("pdftotext"), "pdftotext")
    before = pdf_start(actor=None, draft=draft)
    draft_block_save(
        actor=None, draft=draft, key="opening", text="开篇已按领导意见改定。", version=1
    )
    after = pdf_start(actor=None, draft=draft)
    assert after.pk != before.pk  # the PDF made before the edit is not served after it
    assert after.result_file is not None
    (tmp_path / "r.pdf").write_bytes(bytes(after.result_file))
    command = ["pdftotext", str(tmp_path / "r.pdf"), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert "开篇已按领导意见改定。" in re.sub(r"\s+", "", out)
