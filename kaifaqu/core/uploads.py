"""One check for every uploaded file: not empty, within a size limit, of an accepted kind, and
with content that is what its name says (a renamed executable is not a PDF).

The content is recognised by ``filetype`` where it can tell. It cannot tell a Word 97 file
from an Excel 97 one (both are OLE compound files) nor always a .docx or .xlsx from any zip,
so those are recognised here: the OLE signature for .doc and .xls (the extension decides
which), a zip holding ``[Content_Types].xml`` and the Word or Excel parts for .docx and .xlsx.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, NamedTuple

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

#: Enough of the head for every signature ``filetype`` reads.
HEAD_BYTES = 8192

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    """A kind of file: what messages call it, the content type it is served with, and how its
    content is recognised (from the head of the file, or the whole file when needed)."""

    label: str
    content_type: str
    matches: Callable[[bytes, IO[bytes]], bool]


def _by_filetype(extension: str) -> Callable[[bytes, IO[bytes]], bool]:
    matcher = filetype.get_type(ext=extension)
    return lambda head, upload: bool(matcher.match(head))


def _ole(head: bytes, upload: IO[bytes]) -> bool:
    return head.startswith(_OLE)


def _ooxml(folder: str) -> Callable[[bytes, IO[bytes]], bool]:
    def matches(head: bytes, upload: IO[bytes]) -> bool:
        if not head.startswith(_ZIP):
            return False
        upload.seek(0)
        try:
            # Only the central directory is read: no member is unpacked.
            names = zipfile.ZipFile(upload).namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return matches


PDF = Kind("PDF", "application/pdf", _by_filetype("pdf"))
DOC = Kind("Word", "application/msword", _ole)
DOCX = Kind(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _ooxml("word/"),
)
XLS = Kind("Excel", "application/vnd.ms-excel", _ole)
XLSX = Kind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ooxml("xl/")
)
PNG = Kind("PNG", "image/png", _by_filetype("png"))
JPEG = Kind("JPEG", "image/jpeg", _by_filetype("jpg"))
WEBP = Kind("WebP", "image/webp", _by_filetype("webp"))

#: Accepted kinds by extension (lower case, with its dot).
Kinds = Mapping[str, Kind]

DOCUMENTS: Kinds = {
    ".pdf": PDF,
    ".doc": DOC,
    ".docx": DOCX,
    ".xls": XLS,
    ".xlsx": XLSX,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
IMAGES: Kinds = {".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".webp": WEBP}
#: Every kind known here, to say what a refused file's content is.
_KNOWN: Kinds = {**DOCUMENTS, **IMAGES}


class CheckedUpload(NamedTuple):
    name: str
    content_type: str
    size: int


def accept_attribute(kinds: Kinds) -> str:
    """The ``accept`` attribute of a file input taking these kinds."""
    return ",".join(kinds)


def _labels(kinds: Iterable[Kind]) -> list[str]:
    return list(dict.fromkeys(kind.label for kind in kinds))


def _extension(name: str) -> str:
    # Not os.path.splitext, for which "..pdf" or ".pdf" has no extension.
    return "." + name.rpartition(".")[2].lower() if "." in name else ""


def _name(upload: IO[bytes]) -> str:
    """The name without its path, at most 255 characters: a longer one loses the end of its
    stem, not its extension."""
    name = os.path.basename(getattr(upload, "name", "") or "") or "file"
    if len(name) > 255:
        keep = min(len(_extension(name)), 16)
        name = name[: 255 - keep] + name[len(name) - keep :]
    return name


def _size(upload: IO[bytes]) -> int:
    # An uploaded file knows its size; a plain stream is measured.
    size: int | None = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return size


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _not_accepted(field: str, name: str, kinds: Kinds) -> ValidationError:
    return _refuse(
        field,
        _("%(name)s: only %(kinds)s files are accepted.")
        % {"name": name, "kinds": get_text_list(_labels(kinds.values()), _("and"))},
        "file_type",
    )


def _what_it_is(head: bytes, upload: IO[bytes]) -> str | None:
    """What the content is, for a message: a kind known here, else what ``filetype`` says."""
    labels = _labels(kind for kind in _KNOWN.values() if kind.matches(head, upload))
    if labels:
        return "/".join(labels)
    guessed = filetype.guess(head)
    return guessed.extension.upper() if guessed else None


def checked_upload(
    upload: IO[bytes], *, kinds: Kinds, max_bytes: int, field: str, by_content: bool = False
) -> CheckedUpload:
    """The file's name, content type and size; ValidationError ``{field: message}`` naming the
    file if it is empty, larger than ``max_bytes``, not of an accepted kind, or not what its
    name says.

    ``by_content``: the content alone decides the kind, whatever the name's extension (which
    is then consulted only to tell Word 97 from Excel 97).
    """
    name = _name(upload)
    size = _size(upload)
    if not size:
        raise _refuse(field, _("%(name)s is empty.") % {"name": name}, "empty")
    if size > max_bytes:
        raise _refuse(
            field,
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(max_bytes)},
            "file_size",
        )
    extension = _extension(name)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if by_content:
        matching = [kind for kind in dict.fromkeys(kinds.values()) if kind.matches(head, upload)]
        if kinds.get(extension) in matching:
            return CheckedUpload(name, kinds[extension].content_type, size)
        if len({kind.content_type for kind in matching}) == 1:
            return CheckedUpload(name, matching[0].content_type, size)
        if not matching:
            raise _not_accepted(field, name, kinds)
        # Several kinds share this content (OLE) and the name does not say which.
    elif extension not in kinds:
        raise _not_accepted(field, name, kinds)
    elif kinds[extension].matches(head, upload):
        return CheckedUpload(name, kinds[extension].content_type, size)
    actual = _what_it_is(head, upload)
    if actual is None:
        raise _refuse(
            field,
            _("%(name)s is not the kind of file its name says (%(ext)s).")
            % {"name": name, "ext": extension or "?"},
            "file_type",
        )
    raise _refuse(
        field,
        _("%(name)s is not the kind of file its name says: its content is %(kind)s.")
        % {"name": name, "kind": actual},
        "file_type",
    )
