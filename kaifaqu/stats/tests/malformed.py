"""A corpus of malformed workbooks, built in code: every way a hostile or broken .xlsx has been
seen to get past the file checks (or not), wrapped around the sheets a workbook expects.

The files are written byte for byte (the parts' XML by hand, the zip with a fixed date), so
the corpus is the same on every run and nothing binary is committed. ``corpus(sheets, number)``
gives name → bytes for one workbook's sheets; ``number`` is the (sheet, column) of a number
cell, where the cases that need a number put theirs.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

Sheets = dict[str, list[list]]
Members = dict[str, bytes]

STAMP = (2017, 1, 1, 0, 0, 0)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


@dataclass(frozen=True)
class Raw:
    """A cell written as given: the XML between <c r=".." and </c>, e.g. ' t="s"><v>9</v>'."""

    xml: str


def cell_xml(ref: str, value, strings: dict[str, int]) -> str:
    if isinstance(value, Raw):
        return f'<c r="{ref}"{value.xml}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, date):
        serial = (value - date(1899, 12, 30)).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    index = strings.setdefault(str(value), len(strings))
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def sheet_xml(
    rows: list[list], strings: dict[str, int], *, dimension: str | None = "auto", tail: str = ""
) -> bytes:
    """A worksheet: ``dimension`` "auto" states the true size, None none, else as given;
    ``tail`` is XML put after the last row, inside sheetData."""
    body = []
    width = 0
    for number, values in enumerate(rows, start=1):
        cells = "".join(
            cell_xml(f"{get_column_letter(i)}{number}", v, strings)
            for i, v in enumerate(values, start=1)
            if v is not None
        )
        width = max(width, len(values))
        body.append(f'<row r="{number}">{cells}</row>')
    if dimension == "auto":
        dimension = f"A1:{get_column_letter(max(width, 1))}{max(len(rows), 1)}"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{dim}<sheetData>'
        + "".join(body)
        + tail
        + "</sheetData></worksheet>"
    ).encode()


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
).encode()


def shared_xml(strings: dict[str, int]) -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()


def members(sheets: Sheets, **sheet_options) -> Members:
    """The parts of a workbook holding ``sheets`` (name → rows), sheet i at sheet{i}.xml."""
    strings: dict[str, int] = {}
    parts: Members = {}
    for i, rows in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(rows, strings, **sheet_options)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    tabs = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{OFFICE}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    n = len(sheets)
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
            f"{overrides}</Types>"
        ).encode(),
        "_rels/.rels": (
            f'{head}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{tabs}</sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'{head}<Relationships xmlns="{PKG_REL}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{OFFICE}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{OFFICE}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ).encode(),
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": shared_xml(strings),
        **parts,
    }


def pack(parts: Members | list[tuple[str, bytes]], *, stored: tuple[str, ...] = ()) -> bytes:
    """A zip of ``parts``, deflated (the names in ``stored`` kept as they are), dated
    ``STAMP`` so the same parts always give the same bytes. A list may repeat a name."""
    out = io.BytesIO()
    items = parts.items() if isinstance(parts, dict) else parts
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in items:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
    return out.getvalue()


def xlsx(sheets: Sheets, **sheet_options) -> bytes:
    return pack(members(sheets, **sheet_options))


# -- changing a zip after it is written ----------------------------------------------------


def _central(data: bytes, name: str) -> int:
    """The offset of ``name``'s record in the zip's central directory."""
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 46 + length + extra + comment)
    raise KeyError(name)


def patch_central(data: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """Sets a field of ``name``'s central-directory record (what zipfile believes)."""
    out = bytearray(data)
    struct.pack_into(fmt, out, _central(data, name) + offset, value)
    return bytes(out)


def patch_both(data: bytes, name: str, local: int, central: int, fmt: str, value: int) -> bytes:
    """Sets a field in ``name``'s local header and its central-directory record alike."""
    out = bytearray(patch_central(data, name, central, fmt, value))
    header = struct.unpack_from("<I", data, _central(data, name) + 42)[0]
    struct.pack_into(fmt, out, header + local, value)
    return bytes(out)


def replace_data(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """Replaces the compressed bytes of ``name`` by ``change(them)``, of the same length."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset
    length, extra = struct.unpack_from("<HH", data, start + 26)
    begin = start + 30 + length + extra
    old = data[begin : begin + info.compress_size]
    new = change(old)
    assert len(new) == len(old)
    return data[:begin] + new + data[begin + len(old) :]


# -- the corpus ------------------------------------------------------------------------------

SHEET1 = "xl/worksheets/sheet1.xml"


#: The cases, in the order ``corpus`` builds them (known before any is built, to name tests).
NAMES = (
    "empty",
    "csv-named-xlsx",
    "xls-signature",
    "pk-then-junk",
    "truncated-zip",
    "no-content-types",
    "no-workbook-part",
    "duplicate-member",
    "zip-bomb-declared",
    "zip-bomb-lying",
    "crc-sheet",
    "deflate-garbage-sheet",
    "deflate-truncated-sheet",
    "encrypted-sheet",
    "compression-99-sheet",
    "crc-strings",
    "deflate-garbage-strings",
    "deflate-truncated-strings",
    "encrypted-strings",
    "compression-99-strings",
    "crc-sheet-late",
    "deflate-garbage-sheet-late",
    "deflate-truncated-sheet-late",
    "compression-99-styles",
    "deflate-garbage-workbook",
    "sheet-xml-unclosed",
    "sheet-xml-garbage",
    "sheet-not-utf8",
    "sheet-declares-utf16",
    "sheet-entities",
    "strings-entities",
    "styles-xml-broken",
    "workbook-xml-broken",
    "missing-sheet-part",
    "missing-strings-part",
    "shared-string-index-too-big",
    "shared-string-index-not-a-number",
    "bool-not-a-number",
    "iso-date-garbage",
    "number-not-a-number",
    "number-4400-digits",
    "date-serial-out-of-range",
    "number-text-1e999999999",
    "number-text-minus-1e999999999",
    "number-text-1e-999999999",
    "number-value-1e999999999",
    "number-text-nan",
    "number-text-infinity",
    "row-99999999",
    "row-99999999-dimension-lying",
    "row-99999999-no-dimension",
    "row-number-garbage",
    "row-number-float",
    "dimension-whole-sheet",
    "dimension-garbage",
    "column-xfd",
    "column-beyond-xfd",
    "column-four-letters",
    "coordinate-garbage",
    "too-many-columns",
    "too-many-columns-no-dimension",
    "million-styles",
    "million-shared-strings",
    "million-shared-strings-elsewhere",
)


def _with_cell(sheets: Sheets, number: tuple[str, str], value) -> Sheets:
    """``sheets`` with ``value`` in the number column of the first data row of its sheet."""
    sheet, column = number
    rows = [list(r) for r in sheets[sheet]]
    rows[1][rows[0].index(column)] = value
    return {**sheets, sheet: rows}


def _first(sheets: Sheets, sheet: str) -> Sheets:
    """``sheets`` with ``sheet`` first (sheet1.xml), where the member-level damage goes."""
    return {sheet: sheets[sheet], **{k: v for k, v in sheets.items() if k != sheet}}


def _bomb_declared(data: bytes) -> bytes:
    return patch_central(data, SHEET1, 24, "<I", 0xFFFFFFF0)


def _lying_bomb(sheets: Sheets) -> bytes:
    """The sheet declares its real (small) size, but its deflate stream inflates to 64 MB:
    zipfile stops at the declared size and the CRC refuses it."""
    parts = members(sheets)
    real = parts[SHEET1]
    data = pack(parts)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(SHEET1)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = squeeze.compress(real[:-20] + b" " * (64 << 20)) + squeeze.flush()
    start = info.header_offset
    length, extra = struct.unpack_from("<HH", data, start + 26)
    begin = start + 30 + length + extra
    out = data[:begin] + stream + data[begin + info.compress_size :]
    grown = len(stream) - info.compress_size
    out = patch_both(out, SHEET1, 18, 20, "<I", len(stream))
    # Every record after the sheet's local one has moved by ``grown``.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        later = [i.filename for i in archive.infolist() if i.header_offset > start]
    for name in later:
        at = _central(out, name)
        offset = struct.unpack_from("<I", out, at + 42)[0]
        out = out[: at + 42] + struct.pack("<I", offset + grown) + out[at + 46 :]
    end = out.rfind(b"PK\x05\x06")
    directory = struct.unpack_from("<I", out, end + 16)[0]
    return out[: end + 16] + struct.pack("<I", directory + grown) + out[end + 20 :]


def _million_styles() -> bytes:
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    return STYLES.replace(b'<cellXfs count="2">', b'<cellXfs count="1000002">' + xf * 1_000_000)


def _entity_sheet(rows: list[list]) -> bytes:
    xml = sheet_xml(rows, {}, dimension=None)
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "ha">{laughs}]>'
    return xml.replace(b"<worksheet", doctype.encode() + b"<worksheet", 1).replace(
        b"</sheetData>",
        b'<row r="99"><c r="A99" t="inlineStr"><is><t>&l8;</t></is></c></row></sheetData>',
    )


def _garbage_tail(data: bytes) -> bytes:
    keep = len(data) * 3 // 4
    noise = bytes(range(256)) * ((len(data) - keep) // 256 + 1)
    return data[:keep] + noise[: len(data) - keep]


def _zero_tail(data: bytes) -> bytes:
    keep = len(data) * 3 // 4
    return data[:keep] + b"\0" * (len(data) - keep)


def corpus(sheets: Sheets, number: tuple[str, str]) -> dict[str, bytes]:
    """Name → file: each a way a workbook is broken, around ``sheets`` (the expected sheets
    with a header and one good row each). ``number`` is (sheet, column) of a number cell."""
    sheet = number[0]
    base = _first(sheets, sheet)
    good = xlsx(base)
    rows = base[sheet]
    header = rows[0]
    width = len(header)
    parts = members(base)
    cases: dict[str, bytes] = {}

    def add(name: str, data: bytes) -> None:
        assert name not in cases, name
        assert name in NAMES, name
        cases[name] = data

    def rebuilt(**change: bytes | None) -> bytes:
        new = {**parts}
        for key, value in change.items():
            path = {
                "sheet": SHEET1,
                "styles": "xl/styles.xml",
                "strings": "xl/sharedStrings.xml",
                "workbook": "xl/workbook.xml",
                "rels": "xl/_rels/workbook.xml.rels",
                "types": "[Content_Types].xml",
            }[key]
            if value is None:
                new.pop(path)
            else:
                new[path] = value
        return pack(new)

    def sheet_with(extra: list[list] | None = None, **options) -> bytes:
        return sheet_xml(rows + (extra or []), {}, **options)

    def cell(value) -> bytes:
        return xlsx(_with_cell(base, number, value))

    # Not a workbook at all.
    add("empty", b"")
    add("csv-named-xlsx", (",".join(header) + "\n" + ",".join("1" for _ in header)).encode())
    add("xls-signature", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    add("pk-then-junk", b"PK\x03\x04" + b"\x17" * 200)
    add("truncated-zip", good[: len(good) // 2])
    add("no-content-types", rebuilt(types=None))
    add("no-workbook-part", rebuilt(workbook=None))
    with warnings.catch_warnings():  # zipfile warns of the name it is asked to repeat
        warnings.simplefilter("ignore", UserWarning)
        add("duplicate-member", pack([*parts.items(), (SHEET1, sheet_with(dimension=None))]))
    add("zip-bomb-declared", _bomb_declared(good))
    add("zip-bomb-lying", _lying_bomb(base))
    # A member of the zip that cannot be inflated.
    for key, path in (("sheet", SHEET1), ("strings", "xl/sharedStrings.xml")):
        crc = struct.unpack_from("<I", good, _central(good, path) + 16)[0]
        add(f"crc-{key}", patch_central(good, path, 16, "<I", crc ^ 0xDEADBEEF))
        add(f"deflate-garbage-{key}", replace_data(good, path, lambda b: b"\xff" * len(b)))
        add(
            f"deflate-truncated-{key}",
            replace_data(good, path, lambda b: b[: len(b) // 2] + b"\0" * (len(b) - len(b) // 2)),
        )
        add(f"encrypted-{key}", patch_both(good, path, 6, 8, "<H", 0x1))
        add(f"compression-99-{key}", patch_both(good, path, 8, 10, "<H", 99))
    # The same damage past the first megabyte of a sheet, where only the reading of its rows
    # meets it (the sheet is padded with rows that hold nothing).
    pad = "".join(
        f'<row r="{n}" xmlns:p="urn:pad" p:pad="{hashlib.sha256(str(n).encode()).hexdigest()}"/>'
        for n in range(len(rows) + 1, len(rows) + 20_001)
    )
    big = pack(members(base, tail=pad))
    crc = struct.unpack_from("<I", big, _central(big, SHEET1) + 16)[0]
    add("crc-sheet-late", patch_central(big, SHEET1, 16, "<I", crc ^ 0xDEADBEEF))
    add("deflate-garbage-sheet-late", replace_data(big, SHEET1, _garbage_tail))
    add("deflate-truncated-sheet-late", replace_data(big, SHEET1, _zero_tail))
    add("compression-99-styles", patch_both(good, "xl/styles.xml", 8, 10, "<H", 99))
    add("deflate-garbage-workbook", replace_data(good, "xl/workbook.xml", lambda b: b"\0" * len(b)))
    # XML that does not parse, or parses into trouble.
    add("sheet-xml-unclosed", rebuilt(sheet=sheet_with()[:-40]))
    add("sheet-xml-garbage", rebuilt(sheet=b"<worksheet><sheetData><row r='1'><c r='A1'></row>"))
    add(
        "sheet-not-utf8",
        rebuilt(
            sheet=sheet_with([[Raw(' t="inlineStr"><is><t>\xff')]]).replace(
                "\xff".encode(), b"\xff\xfe\x00"
            )
        ),
    )
    add("sheet-declares-utf16", rebuilt(sheet=sheet_with().replace(b"UTF-8", b"UTF-16", 1)))
    add("sheet-entities", rebuilt(sheet=_entity_sheet(rows)))
    add(
        "strings-entities",
        rebuilt(
            strings=(
                b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e "x">]>'
                b'<sst xmlns="' + MAIN.encode() + b'"><si><t>&e;</t></si></sst>'
            )
        ),
    )
    add("styles-xml-broken", rebuilt(styles=STYLES[:-30]))
    add("workbook-xml-broken", rebuilt(workbook=parts["xl/workbook.xml"][:-12]))
    add("missing-sheet-part", rebuilt(sheet=None))
    add("missing-strings-part", rebuilt(strings=None))
    # Cells that openpyxl cannot cast.
    add("shared-string-index-too-big", cell(Raw(' t="s"><v>99999</v>')))
    add("shared-string-index-not-a-number", cell(Raw(' t="s"><v>x</v>')))
    add("bool-not-a-number", cell(Raw(' t="b"><v>yes</v>')))
    add("iso-date-garbage", cell(Raw(' t="d"><v>2017-13-45T99:00</v>')))
    add("number-not-a-number", cell(Raw("><v>12abc</v>")))
    add("number-4400-digits", cell(Raw(f"><v>{'9' * 4400}</v>")))
    add("date-serial-out-of-range", cell(Raw(' s="1"><v>1e12</v>')))
    # Numbers a Decimal cannot hold.
    add("number-text-1e999999999", cell("1e999999999"))
    add("number-text-minus-1e999999999", cell("-1e999999999"))
    add("number-text-1e-999999999", cell("1e-999999999"))
    add("number-value-1e999999999", cell(Raw("><v>1e999999999</v>")))
    add("number-text-nan", cell("sNaN"))
    add("number-text-infinity", cell("-Infinity"))
    # Sizes past the limits, stated or not.
    add(
        "row-99999999",
        rebuilt(
            sheet=sheet_with(
                tail='<row r="99999999"><c r="A99999999"><v>1</v></c></row>',
                dimension="A1:A99999999",
            )
        ),
    )
    add(
        "row-99999999-dimension-lying",
        rebuilt(sheet=sheet_with(tail='<row r="99999999"><c r="A99999999"><v>1</v></c></row>')),
    )
    add(
        "row-99999999-no-dimension",
        rebuilt(
            sheet=sheet_with(
                tail='<row r="99999999"><c r="A99999999"><v>1</v></c></row>', dimension=None
            )
        ),
    )
    add("row-number-garbage", rebuilt(sheet=sheet_with(tail='<row r="x"><c><v>1</v></c></row>')))
    add("row-number-float", rebuilt(sheet=sheet_with(tail='<row r="1e8"><c><v>1</v></c></row>')))
    add("dimension-whole-sheet", rebuilt(sheet=sheet_with(dimension="A1:XFD1048576")))
    add("dimension-garbage", rebuilt(sheet=sheet_with(dimension="A0:!!")))
    add(
        "column-xfd",
        rebuilt(sheet=sheet_with(tail='<row r="3"><c r="XFD3"><v>1</v></c></row>', dimension=None)),
    )
    add(
        "column-beyond-xfd",
        rebuilt(sheet=sheet_with(tail='<row r="3"><c r="ZZZ3"><v>1</v></c></row>', dimension=None)),
    )
    add(
        "column-four-letters",
        rebuilt(
            sheet=sheet_with(tail='<row r="3"><c r="AAAA3"><v>1</v></c></row>', dimension=None)
        ),
    )
    add(
        "coordinate-garbage",
        rebuilt(sheet=sheet_with(tail='<row r="3"><c r="3A"><v>1</v></c></row>')),
    )
    many = [[*header, *(f"x{i}" for i in range(width, 400))]]
    add("too-many-columns", xlsx({**base, sheet: many + rows[1:]}))
    add("too-many-columns-no-dimension", xlsx({**base, sheet: many + rows[1:]}, dimension=None))
    add("million-styles", rebuilt(styles=_million_styles()))
    strings = shared_xml({f"{i}": i for i in range(2)}).replace(
        b"<si>", b"<si><t/></si>" * 1_100_000 + b"<si>", 1
    )
    add("million-shared-strings", rebuilt(strings=strings))
    # openpyxl finds the shared strings by their content type, wherever the part is.
    moved = {k: v for k, v in parts.items() if k != "xl/sharedStrings.xml"}
    moved["xl/strings/other.xml"] = strings
    moved["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"/xl/sharedStrings.xml", b"/xl/strings/other.xml"
    )
    add("million-shared-strings-elsewhere", pack(moved))
    assert tuple(cases) == NAMES
    return cases


# -- what a test checks of each ------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


def plain_refusal(message: str) -> bool:
    """A message for the user in Chinese, not a traceback or an exception's own text."""
    return bool(CJK.search(message)) and not any(
        word in message for word in ("Traceback", "Error:", "Exception", 'File "')
    )


def row_counts() -> dict[str, int]:
    """Every model's rows (the sessions aside, which a page may touch, and the jobs that
    record the check and the refused import): what a refused file must leave as it was."""
    from django.apps import apps

    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in {"sessions.Session", "core.Job"}
    }


# -- the checks both workbooks' tests run on each file ---------------------------------------


def preview_token(preview: str) -> str:
    """The staged upload's token in a preview page's address."""
    found = re.search(r"/import/([^/]+)/", preview)
    assert found is not None
    return found.group(1)


def refusal_messages(plan) -> list[str]:
    """The plan's problems, which must be there and each a message for the user."""
    messages = [str(p.message) for p in plan.problems]
    assert messages, "the file was not refused"
    assert all(plain_refusal(m) for m in messages), messages
    return messages


def assert_reader_and_importer_refuse(data: bytes, *, read, import_plan, actor) -> None:
    """The reader refuses the file in plain words, the importer imports nothing of it."""
    before = row_counts()
    plan = read(data, name="bad.xlsx")
    refusal_messages(plan)
    result = import_plan(plan, actor=actor)
    assert not result.imported
    assert result.problems
    assert row_counts() == before


def assert_upload_page_refuses(client, data: bytes, *, page: str, confirm: str, read) -> None:
    """The upload page (in the default language, Chinese) shows every refusal of the file
    and no confirmation; confirming anyway leads back to the preview; nothing is written."""
    from django.urls import reverse
    from django.utils import translation
    from django.utils.html import escape as html_escape

    from kaifaqu.stats.workbook import files

    before = row_counts()
    upload = io.BytesIO(data)
    upload.name = "bad.xlsx"
    response = client.post(reverse(page), {"file": upload})
    if response.status_code == 200:  # the form refused it (an empty file)
        assert 'class="invalid-feedback' in response.content.decode()
        assert row_counts() == before
        return
    assert response.status_code == 302
    preview = response["Location"]
    html = client.get(preview).content.decode()
    assert 'data-testid="preview-problems"' in html
    assert 'data-testid="confirm-import"' not in html
    with translation.override("zh-hans"), files.in_a_request():
        expected = refusal_messages(read(data, name="bad.xlsx"))
    for message in expected:
        assert html_escape(message) in html
    response = client.post(reverse(confirm, args=[preview_token(preview)]))
    assert response.status_code == 302
    assert response["Location"] == preview
    assert row_counts() == before
