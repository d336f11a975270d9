"""Checks on policy attachments: size, and kind by content (a renamed executable is not a
PDF), whatever the file's name says."""

from __future__ import annotations

import os

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

#: extension filetype reports → content type served
ALLOWED: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    return size


def checked_attachment(upload, field: str = "file") -> tuple[str, str, int]:
    """The file's name, content type (from its content) and size; ValidationError if the
    file is empty, too large or not a PDF, Word, Excel, PNG or JPEG file."""
    name = os.path.basename(getattr(upload, "name", "") or "") or "?"
    size = _size(upload)
    if not size:
        raise ValidationError({field: _("%(name)s is empty.") % {"name": name}})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {field: _("%(name)s is larger than %(limit)s.")
             % {"name": name, "limit": filesizeformat(MAX_ATTACHMENT_BYTES)}}
        )  # fmt: skip
    upload.seek(0)
    head = upload.read(65536)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ALLOWED:
        raise ValidationError(
            {field: _("%(name)s: only PDF, Word, Excel, PNG and JPEG files are accepted.")
             % {"name": name}}
        )  # fmt: skip
    return name, ALLOWED[kind.extension], size
