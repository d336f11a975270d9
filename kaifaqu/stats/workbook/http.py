"""What the upload and download pages of every workbook (statistics, investment) share: the
upload kept between its preview and its confirmation, the preview's findings checked once and
kept beside it, and the import of what was checked.

The check (a dry run) and the import are jobs (``stats.tasks``): the upload page starts the
check and the confirmation the import, each page then follows its job (``core:job``) to the
preview or back to the workbook page with the import's counts. Without a broker they run in
the request and the pages go straight on, as before. Each workbook registers what the jobs
need to know of it (``Workbook``) when its package starts, so the worker finds it by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import current_app
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaifaqu.core.jobs import JobRefused, Outcome, Progress, job_start
from kaifaqu.core.models import Job, User
from kaifaqu.core.views.jobs import job_redirect

from . import staging
from .files import WorkbookPlan, in_a_request
from .importer import ImportResult
from .writer import CONTENT_TYPE

#: The rows of each sheet the preview shows.
PREVIEW_ROWS = 10

Findings = dict[str, Any]


@dataclass(frozen=True)
class Workbook:
    """A kind of workbook as its pages and jobs use it: how to read a file (``read(path,
    name=)``), import a plan (``run(plan, actor=, dry_run=)``), describe a result for the
    preview, and the pages to go to (URL names: the preview takes the upload's token)."""

    name: str
    session_key: str
    read: Callable[..., Any]
    run: Callable[..., ImportResult]
    describe: Callable[[Any, ImportResult], Findings]
    preview_url: str
    page_url: str

    def check(self, path: Path, name: str, actor: User | None) -> Findings:
        plan = self.read(path, name=name)
        return self.describe(plan, self.run(plan, actor=actor, dry_run=True))


_workbooks: dict[str, Workbook] = {}


def register(workbook: Workbook) -> Workbook:
    _workbooks[workbook.name] = workbook
    return workbook


def workbook_named(name: str) -> Workbook:
    return _workbooks[name]


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


def checked_upload(request: HttpRequest, workbook: Workbook, token: str) -> Findings:
    """The findings of the upload ``token``: kept by its check job, or (the page read in
    another language, the findings swept) found now by a dry run within the pages' limits,
    and kept."""
    path, name = staged_upload(request, token, workbook.session_key)
    language = get_language()
    found = staging.findings(token, language)
    if found is None:
        with in_a_request():
            found = workbook.check(path, name, request.user)  # type: ignore[arg-type]
        staging.keep_findings(token, language, found)
    return found


def _start(
    request: HttpRequest,
    workbook: Workbook,
    token: str,
    name: str,
    task: Any,
    *,
    kind: str,
    message: str,
) -> Job:
    """The job of ``task`` on the upload ``token``: one per workbook, upload and ``kind``."""
    return job_start(
        task,
        kind=kind,
        owner=request.user,  # type: ignore[arg-type]
        key=f"{workbook.name}:{token}",
        message=message,
        workbook=workbook.name,
        token=token,
        name=name,
    )


def start_check(request: HttpRequest, workbook: Workbook, token: str, name: str) -> HttpResponse:
    """After an upload is staged: its check as a job, then its preview."""
    from ..tasks import check_workbook

    staging.remember(request.session, token, name, key=workbook.session_key)
    message = _("Checking %(file)s.") % {"file": name}
    job = _start(
        request, workbook, token, name, check_workbook, kind="workbook.check", message=message
    )
    return job_redirect(request, job, back=reverse(workbook.page_url))


def start_import(request: HttpRequest, workbook: Workbook, token: str) -> HttpResponse:
    """The import of what the preview showed, as a job; back to the preview when it finds
    problems, to the workbook page with the counts when done."""
    from ..tasks import import_workbook

    _path, name = staged_upload(request, token, workbook.session_key)
    message = _("Importing %(file)s.") % {"file": name}
    job = _start(
        request, workbook, token, name, import_workbook, kind="workbook.import", message=message
    )
    return job_redirect(request, job, back=reverse(workbook.preview_url, args=[token]))


def _limits_of_where_it_runs() -> AbstractContextManager[None]:
    """The pages' limits when the job runs in the request (no broker), the import commands'
    on the worker."""
    return in_a_request() if current_app.conf.task_always_eager else nullcontext()


def check_job(job: Job, progress: Progress, *, workbook: str, token: str, name: str) -> Outcome:
    """The check job: a dry run of the upload, its findings kept for the preview."""
    kind = workbook_named(workbook)
    path = staging.path_of(token)
    if path is None:
        raise JobRefused(_("This upload has expired: upload the workbook again."))
    progress(10, _("Reading and checking every row."))
    with _limits_of_where_it_runs():
        found = kind.check(path, name, job.owner)
    staging.keep_findings(token, job.language or get_language(), found)
    return Outcome(url=reverse(kind.preview_url, args=[token]), message=_("Checked."))


def import_job(job: Job, progress: Progress, *, workbook: str, token: str, name: str) -> Outcome:
    """The import job: only the file the preview checked, only if it found no problem.
    Refused (the preview then shows why) when the import itself finds one."""
    kind = workbook_named(workbook)
    path = staging.path_of(token)
    if path is None:
        raise JobRefused(_("This upload has expired: upload the workbook again."))
    found = staging.findings(token)
    refused = _("Nothing was imported: the workbook has problems.")
    if found is None or not found["ok"] or _sha256(path) != found["sha256"]:
        staging.forget_findings(token)  # the preview checks the file again
        raise JobRefused(refused)
    progress(10, _("Importing every row."))
    with _limits_of_where_it_runs():
        plan = kind.read(path, name=name)
    result = kind.run(plan, actor=job.owner)
    if not result.imported:
        staging.forget_findings(token)
        staging.keep_findings(token, job.language or get_language(), kind.describe(plan, result))
        raise JobRefused(refused)
    transaction.on_commit(lambda: staging.discard(token))
    return Outcome(
        url=reverse(kind.page_url), message=imported_message(name, result), announce=True
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
