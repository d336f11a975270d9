"""A file written whole or not at all: a full disk leaves the old file and nothing else."""

import errno
from unittest import mock

import pytest

from kaifaqu.core.files import disk_problem, write_file_atomically


def test_a_file_is_written_whole(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"old")

    write_file_atomically(path, b"new content")

    assert path.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["export.xlsx"]


def test_a_full_disk_leaves_the_old_file_and_no_partial_one(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"old")
    full = OSError(errno.ENOSPC, "No space left on device")

    with (
        mock.patch("kaifaqu.core.files.os.fsync", side_effect=full),
        pytest.raises(OSError, match="No space left"),
    ):
        write_file_atomically(path, b"new content")

    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["export.xlsx"]


def test_what_a_command_says(english):
    full = OSError(errno.ENOSPC, "No space left on device")
    denied = OSError(errno.EACCES, "Permission denied")

    assert disk_problem(full, "/tmp/x.xlsx") == "The disk is full: /tmp/x.xlsx was not written."
    assert disk_problem(denied, "/tmp/x.xlsx") == (
        "/tmp/x.xlsx could not be written: Permission denied."
    )
