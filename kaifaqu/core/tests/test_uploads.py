"""The one check of uploaded files (size, kind, content agreeing with the name) and the one
response that serves a stored file."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook

from kaifaqu.core.http import stored_file_response
from kaifaqu.core.uploads import DOCUMENTS, IMAGES, accept_attribute, checked_upload

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
EXE = b"MZ\x90\x00" + b"\x00" * 64

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENTS_REFUSAL = "only PDF, Word, Excel, PNG and JPEG files are accepted."


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


DOCX = _zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = _xlsx()
PLAIN_ZIP = _zip("readme.txt")


def check(name, content, *, kinds=DOCUMENTS, max_bytes=1024 * 1024, by_content=False):
    with translation.override("en"):
        return checked_upload(
            SimpleUploadedFile(name, content),
            kinds=kinds,
            max_bytes=max_bytes,
            field="attachment",
            by_content=by_content,
        )


def human(size: int) -> str:
    with translation.override("en"):
        return filesizeformat(size)


def refusal(*args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        check(*args, **kwargs)
    assert list(caught.value.message_dict) == ["attachment"]
    [message] = caught.value.message_dict["attachment"]
    return message


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("细则.pdf", PDF, "application/pdf"),
        ("旧稿.doc", OLE, "application/msword"),
        ("报告.DOCX", DOCX, WORD),
        ("旧表.xls", OLE, "application/vnd.ms-excel"),
        ("台账.xlsx", XLSX, EXCEL),
        ("图.png", PNG, "image/png"),
        ("照片.jpg", JPEG, "image/jpeg"),
        ("照片.jpeg", JPEG, "image/jpeg"),
    ],
)
def test_documents_are_accepted_when_the_content_is_what_the_name_says(name, content, content_type):
    assert check(name, content) == (name, content_type, len(content))


def test_images_include_webp_but_not_documents():
    assert check("a.webp", WEBP, kinds=IMAGES) == ("a.webp", "image/webp", len(WEBP))
    assert refusal("a.pdf", PDF, kinds=IMAGES) == (
        "a.pdf: only PNG, JPEG and WebP files are accepted."
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("空.pdf", b"", "空.pdf is empty."),
        ("virus.exe", EXE, f"virus.exe: {DOCUMENTS_REFUSAL}"),
        ("noextension", PDF, f"noextension: {DOCUMENTS_REFUSAL}"),
        ("photo.pdf", PNG, "photo.pdf is not the kind of file its name says: its content is PNG."),
        ("fake.pdf", EXE, "fake.pdf is not the kind of file its name says: its content is EXE."),
        (
            "old.pdf",
            OLE,
            "old.pdf is not the kind of file its name says: its content is Word/Excel.",
        ),
        (
            "sheet.docx",
            XLSX,
            "sheet.docx is not the kind of file its name says: its content is Excel.",
        ),
        # A zip is not a Word file because its name ends in .docx.
        (
            "archive.docx",
            PLAIN_ZIP,
            "archive.docx is not the kind of file its name says: its content is ZIP.",
        ),
        ("x.png", b"\x00\x01garbage", "x.png is not the kind of file its name says (.png)."),
    ],
)
def test_refusals_name_the_file_and_say_why(name, content, message):
    assert refusal(name, content) == message


def test_too_large_says_the_limit_in_human_units():
    assert refusal("big.pdf", PDF, max_bytes=len(PDF) - 1) == (
        f"big.pdf is larger than {human(len(PDF) - 1)}."
    )
    assert refusal("big.pdf", PDF + b"0" * 2**21, max_bytes=2**21) == (
        "big.pdf is larger than 2.0\xa0MB."
    )
    assert check("fits.pdf", PDF, max_bytes=len(PDF)).size == len(PDF)


def test_refusals_carry_a_code():
    with pytest.raises(ValidationError) as caught:
        check("x.exe", EXE)
    assert [e.code for e in caught.value.error_dict["attachment"]] == ["file_type"]


def test_by_content_the_content_decides_whatever_the_name():
    assert check("x.jpg", PNG, kinds=IMAGES, by_content=True).content_type == "image/png"
    assert check("x", PDF, by_content=True).content_type == "application/pdf"
    # Word 97 and Excel 97 share their container: the name tells which.
    assert check("表.xls", OLE, by_content=True).content_type == "application/vnd.ms-excel"
    assert refusal("x.gif", b"GIF89a" + b"\x00" * 8, kinds=IMAGES, by_content=True) == (
        "x.gif: only PNG, JPEG and WebP files are accepted."
    )
    assert refusal("x.pdf", OLE, by_content=True) == (
        "x.pdf is not the kind of file its name says: its content is Word/Excel."
    )


def test_the_file_is_read_from_its_start_afterwards():
    upload = SimpleUploadedFile("t.xlsx", XLSX)
    upload.read(10)
    checked_upload(upload, kinds=DOCUMENTS, max_bytes=10**7, field="f")
    assert upload.read() == XLSX


def test_a_long_name_keeps_its_extension():
    stream = io.BytesIO(PDF)
    stream.name = "长" * 300 + ".PDF"
    checked = checked_upload(stream, kinds=DOCUMENTS, max_bytes=10**6, field="f")
    assert checked.name == "长" * 251 + ".PDF"


def test_a_file_without_a_size_is_measured():
    stream = io.BytesIO(PDF)
    stream.name = "dir/a.pdf"
    assert checked_upload(stream, kinds=DOCUMENTS, max_bytes=10**6, field="f") == (
        "a.pdf",
        "application/pdf",
        len(PDF),
    )


def test_the_accept_attribute_lists_the_extensions():
    assert accept_attribute(IMAGES) == ".png,.jpg,.jpeg,.webp"


_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"PK\x03\x04", b"RIFF")


@hsettings(max_examples=60, deadline=None)
@given(
    extension=st.sampled_from(sorted(DOCUMENTS)),
    content=st.binary(min_size=1, max_size=256).filter(lambda b: not b.startswith(_SIGNATURES)),
    by_content=st.booleans(),
)
def test_random_bytes_are_never_accepted(extension, content, by_content):
    with pytest.raises(ValidationError):
        check("x" + extension, content, by_content=by_content)


@hsettings(max_examples=100, deadline=None)
@given(
    stem=st.text(max_size=300).filter(lambda s: "/" not in s and "\\" not in s and s.strip(".")),
    extension=st.sampled_from([".pdf", ".PDF", ".png", ".jpg", ".docx", ".xlsx"]),
    padding=st.integers(min_value=0, max_value=4096),
)
def test_good_files_keep_their_name_and_size(stem, extension, padding):
    content = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".docx": DOCX, ".xlsx": XLSX}[
        extension.lower()
    ]
    content += b"\x00" * padding
    name = stem + extension
    expected_name = name if len(name) <= 255 else name[: 255 - len(extension)] + extension
    expected_type = DOCUMENTS[extension.lower()].content_type
    result = check(name, content, max_bytes=10**6)
    assert result == (expected_name, expected_type, len(content))


@hsettings(max_examples=40, deadline=None)
@given(limit=st.integers(min_value=1, max_value=10**9), over=st.integers(min_value=1))
def test_anything_over_the_limit_is_refused_saying_the_limit(limit, over):
    upload = SimpleUploadedFile("big.pdf", PDF)
    upload.size = limit + over
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        checked_upload(upload, kinds=DOCUMENTS, max_bytes=limit, field="f")
    assert caught.value.message_dict == {"f": [f"big.pdf is larger than {human(limit)}."]}


# --- serving ----------------------------------------------------------------------------


@pytest.fixture
def stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def store(path: str, content: bytes) -> FieldFile:
        saved = default_storage.save(path, ContentFile(content))
        return FieldFile(None, FileField(), saved)

    return store


def test_a_download_is_an_attachment_under_its_name_and_type(stored):
    response = stored_file_response(
        stored("files/abc123.pdf", PDF), name="细则 2024.pdf", content_type="application/pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E7%BB%86%E5%88%99%202024.pdf"
    )
    assert b"".join(response.streaming_content) == PDF


def test_an_image_is_inline_and_the_stored_name_serves_when_none_is_given(stored):
    response = stored_file_response(stored("photos/a.png", PNG), inline=True)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="a.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
