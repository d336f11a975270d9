"""Checks on files people upload to a project: size, kind by extension, and that the content
is of that kind (a renamed executable is not a PDF)."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
#: extension → (content type, signatures the file may start with)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".doc": ("application/msword", (_OLE,)),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
}


def checked_upload(upload, field: str = "file") -> tuple[str, str, int]:
    """The file's name, content type (from its extension) and size; ValidationError if the
    file is empty, too large, of a kind not accepted, or not what its extension says."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED:
        raise ValidationError(
            {field: _("%(name)s: only PDF, Word, Excel, PNG and JPEG files are accepted.")
             % {"name": name or "?"}}
        )  # fmt: skip
    if not size:
        raise ValidationError({field: _("%(name)s is empty.") % {"name": name}})
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            {field: _("%(name)s is larger than %(limit)s.")
             % {"name": name, "limit": filesizeformat(MAX_FILE_BYTES)}}
        )  # fmt: skip
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {field: _("%(name)s is not the kind of file its name says (%(ext)s).")
             % {"name": name, "ext": extension}}
        )  # fmt: skip
    return name, content_type, size
