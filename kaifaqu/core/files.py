"""Files written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _


def write_file_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, renamed over ``path`` only
    once every byte is on disk: a full disk (``OSError`` ENOSPC) or any other failure leaves
    ``path`` as it was and no partial file behind."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def disk_full(error: BaseException | None) -> bool:
    return isinstance(error, OSError) and error.errno == errno.ENOSPC


def disk_problem(error: OSError, path: str | os.PathLike[str]) -> str:
    """What a command says when a file could not be written: nothing was written."""
    if disk_full(error):
        return _("The disk is full: %(file)s was not written.") % {"file": os.fspath(path)}
    return _("%(file)s could not be written: %(reason)s.") % {
        "file": os.fspath(path),
        "reason": error.strerror or error,
    }
