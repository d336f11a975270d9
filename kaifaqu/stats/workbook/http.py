"""What the upload and download pages of every workbook (statistics, investment) share: the
upload kept between its preview and its confirmation, the preview's findings checked once and
kept beside it, and the import of what was checked."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import staging
from .files import WorkbookPlan, in_a_request
from .importer import ImportResult
from .writer import CONTENT_TYPE

#: The rows of each sheet the preview shows.
PREVIEW_ROWS = 10

Findings = dict[str, Any]


def xlsx_attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def staged_upload(
    request: HttpRequest, token: str, key: str = staging.SESSION_KEY
) -> tuple[Path, str]:
    """The file this session uploaded under ``token`` and its name, or 404."""
    name = staging.owned(request.session, token, key=key)
    path = staging.path_of(token)
    if name is None or path is None:
        raise Http404(_("This upload has expired: upload the workbook again."))
    return path, name


def imported_message(name: str, result: ImportResult) -> str:
    totals = {
        what: sum(c[what] for c in result.counts.values())
        for what in ("created", "updated", "unchanged")
    }
    return _(
        "%(file)s imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
    ) % {"file": name, **totals}


# -- the preview, checked once ---------------------------------------------------------------


def _shown(value: Any) -> str | None:
    """A cell as the page writes it (a date or a number in the page's language)."""
    return None if value is None else str(formats.localize(value))


def findings(
    plan: WorkbookPlan,
    result: ImportResult,
    columns: dict[str, Sequence[str]],
    cells: Callable[[Any, str], Iterable[Any]],
    *,
    sort_problems: bool = False,
    **more: Any,
) -> Findings:
    """What a dry run (or a refused import) found, as the preview shows it, JSON-ready:
    the file's identity, each sheet's count and first rows (``columns``: sheet → the columns
    shown; ``cells(row, sheet)``: a planned row's cells), the problems by sheet (in the order
    of the sheets they were found in, or by name), and ``more`` as given."""
    sheets = []
    for sheet, names in columns.items():
        rows = plan.rows(sheet)
        sheets.append(
            {
                "name": sheet,
                "columns": list(names),
                "rows": [
                    (r.row, [_shown(c) for c in cells(r, sheet)]) for r in rows[:PREVIEW_ROWS]
                ],
                "count": len(rows),
                "more": max(0, len(rows) - PREVIEW_ROWS),
                "counts": result.counts[sheet],
            }
        )
    problems: dict[str, list[dict[str, Any]]] = {}
    for p in result.problems:
        problems.setdefault(p.sheet, []).append(
            {"row": p.row, "column": p.column, "location": p.location, "message": str(p.message)}
        )
    grouped = sorted(problems.items()) if sort_problems else list(problems.items())
    return {
        "filename": plan.filename,
        "sha256": plan.sha256,
        "ok": result.ok,
        "sheets": sheets,
        "problems": grouped,
        "left_out": getattr(plan.problems, "left_out", 0),
        **more,
    }


def preview_context(found: Findings) -> dict[str, Any]:
    """The preview template's context from the kept findings."""
    return {
        "plan": {"filename": found["filename"]},
        "result": {
            "ok": found["ok"],
            "problems": [p for _sheet, items in found["problems"] for p in items],
            "violations": found.get("violations", []),
        },
        "sheets": found["sheets"],
        "problems": found["problems"],
        "left_out": found.get("left_out", 0),
    }


def checked_upload(
    request: HttpRequest, token: str, key: str, check: Callable[[Path, str], Findings]
) -> Findings:
    """The findings of the upload ``token``: kept from the first view of its preview, or
    found now by ``check(path, name)`` (a dry run, within the pages' limits) and kept."""
    path, name = staged_upload(request, token, key)
    language = get_language()
    found = staging.findings(token, language)
    if found is None:
        with in_a_request():
            found = check(path, name)
        staging.keep_findings(token, language, found)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_upload(
    request: HttpRequest,
    token: str,
    key: str,
    *,
    read: Callable[..., Any],
    run: Callable[..., ImportResult],
    describe: Callable[[Any, ImportResult], Findings],
) -> tuple[str, ImportResult | None]:
    """Imports the upload ``token`` as the preview showed it: only if its check found no
    problem and the file is still the one checked (its sha256). Returns the file's name and
    the result, None when nothing was imported; the preview then shows why (what the import
    found is kept as the preview's findings)."""
    path, name = staged_upload(request, token, key)
    found = staging.findings(token)
    if found is None or not found["ok"] or _sha256(path) != found["sha256"]:
        staging.forget_findings(token)  # the preview checks the file again
        return name, None
    with in_a_request():
        plan = read(path, name=name)
    result = run(plan, actor=request.user)
    if not result.imported:
        staging.forget_findings(token)
        staging.keep_findings(token, get_language(), describe(plan, result))
        return name, None
    staging.forget(request.session, token, key=key)
    return name, result
