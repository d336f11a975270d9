"""The workbooks' jobs (every workbook's, found by name: ``workbook.http.Workbook``): the
check of an upload for its preview, and its import. Both may be retried after a transient
error: a check writes nothing, and an import's rows commit with the job's "done" in one
transaction, so a retry starts clean; a refused import changes nothing."""

from __future__ import annotations

from typing import Any

from kaifaqu.core.jobs import Outcome, job_task

from .workbook.http import check_job, import_job


@job_task("stats.check_workbook")
def check_workbook(**kwargs: Any) -> Outcome:
    return check_job(**kwargs)


@job_task("stats.import_workbook")
def import_workbook(**kwargs: Any) -> Outcome:
    return import_job(**kwargs)
