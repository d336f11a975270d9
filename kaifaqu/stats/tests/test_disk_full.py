"""A full disk during an export or an upload: no file, no partial file, no audit row claiming
an export, and a clear message in the user's language."""

from __future__ import annotations

import errno
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kaifaqu.core.testing import audit_mark, audit_since, in_language

pytestmark = pytest.mark.django_db


def _full() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command", ["export_workbook", "export_projects"])
def test_an_export_command_on_a_full_disk_leaves_no_file_and_no_audit_row(
    demo, tmp_path, english, command
):
    path = tmp_path / "export.xlsx"
    mark = audit_mark()

    with (
        mock.patch("kaifaqu.core.files.os.fsync", side_effect=_full()),
        pytest.raises(CommandError) as refused,
    ):
        call_command(command, "-o", str(path))

    assert str(refused.value) == f"The disk is full: {path} was not written."
    assert list(tmp_path.iterdir()) == []
    assert audit_since(mark) == []


def test_an_export_command_writes_and_audits_once_it_succeeds(demo, tmp_path):
    path = tmp_path / "export.xlsx"
    mark = audit_mark()

    call_command("export_workbook", "-o", str(path))

    assert path.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["export.xlsx"]
    assert [e.action for e in audit_since(mark)] == ["export"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "服务器磁盘已满：未保存或导出任何内容。请告知系统管理员后重试。"),
        (
            "en",
            "The server&#x27;s disk is full: nothing was saved or exported. Tell the system "
            "administrator, then try again.",
        ),
    ],
)
@pytest.mark.parametrize(
    ("url", "writer"),
    [
        ("stats:export", "kaifaqu.stats.workbook.writer.save_workbook"),
        ("investment_workbook:export", "kaifaqu.investment.workbook.writer.save_workbook"),
    ],
)
def test_an_export_page_on_a_full_disk_says_so_and_audits_nothing(
    demo, language, message, url, writer
):
    browser = in_language(Client(raise_request_exception=False), language)
    browser.force_login(demo.admin)
    mark = audit_mark()

    with mock.patch(writer, side_effect=_full()):
        response = browser.get(reverse(url))

    assert response.status_code == 503
    assert message in response.content.decode()
    assert audit_since(mark) == []
