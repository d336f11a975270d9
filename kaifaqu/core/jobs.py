"""Jobs: work that must not hold a request, run by the Celery worker (``kaifaqu.config.celery``).

A package defines its tasks in its own ``tasks.py`` with ``@job_task`` and starts one with
``job_start``; the page polls the ``Job`` row (``core:job``). Without a broker
(``CELERY_BROKER_URL`` unset: ``make run``, the tests) Celery runs every task in the
request (eager), so nothing else is needed.

- **Idempotent**: a job asked for again with the same ``key`` (a second click, a page reload)
  is the job already queued, running or done; a task whose job is done does nothing; the
  work of a ``job_task`` and its "done" commit in one transaction, so a worker killed half-way
  leaves nothing to undo and the retry starts clean.
- **Retries**: ``retry=True`` retries any error but ``JobRefused`` with exponential back-off
  (``retry_backoff`` seconds, doubling, at most ``max_retries`` times); a task whose work is
  not safe to repeat (an e-mail half sent) passes ``retry=False`` and keeps its own marks.
- **Schedules**: ``schedule(name, task, every=...)`` registers a periodic task for beat; a
  package calls it in its ``tasks.py``. Beat reads the registry when it starts.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.schedules import crontab
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job, JobStatus, User

logger = logging.getLogger(__name__)


class JobRefused(Exception):
    """The job cannot be done as asked; the message says why, for the user. Never retried."""


@dataclass
class Progress:
    """What a job's function reports while it works: ``progress(40, _("Reading rows"))``."""

    job: Job

    def __call__(self, percent: int, message: str = "") -> None:
        self.job.progress = max(0, min(100, percent))
        self.job.message = message[:200]
        # Its own write, outside the job's transaction, so the page sees it at once.
        Job.objects.filter(pk=self.job.pk).update(
            progress=self.job.progress, message=self.job.message
        )


@dataclass(frozen=True)
class Outcome:
    """What a finished job leaves: a page to go to, or a file for its owner; ``announce``:
    its message is shown on the page it leads to too (an import's counts)."""

    url: str = ""
    file: bytes | None = None
    name: str = ""
    content_type: str = ""
    message: str = ""
    announce: bool = False


JobFunction = Callable[..., Outcome]


def job_start(
    task: Any,
    *,
    kind: str,
    owner: User | None,
    key: str = "",
    message: str = "",
    **kwargs: Any,
) -> Job:
    """The job for this work: the one with the same key not failed, else a new one queued
    (after the current transaction commits, so the worker finds the row; without a broker it
    has run when this returns)."""
    if key:
        existing = (
            Job.objects.filter(kind=kind, key=key, owner=owner)
            .exclude(status=JobStatus.FAILED)
            .first()
        )
        if existing is not None:
            return existing
    job = Job.objects.create(
        id=uuid.uuid4(),
        kind=kind,
        key=key,
        owner=owner,
        language=translation.get_language() or "",
        message=message[:200] or _("Waiting for the worker."),
    )
    if task.app.conf.task_always_eager:
        # No broker: run now, in this transaction (a test's too), and return the outcome.
        task.delay(str(job.pk), **kwargs)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: task.delay(str(job.pk), **kwargs))
    return job


def _finish(job: Job, outcome: Outcome) -> None:
    job.status = JobStatus.DONE
    job.progress = 100
    job.message = (outcome.message or _("Done."))[:200]
    job.result_url = outcome.url
    job.result_file = outcome.file
    job.result_name = outcome.name
    job.result_type = outcome.content_type
    job.announce = outcome.announce
    job.error = ""
    job.finished_at = timezone.now()
    job.save()


def _fail(job_id: str, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error, finished_at=timezone.now()
    )


def backoff(task: Any, retries: int) -> int:
    """Seconds before retry number ``retries + 1``: ``backoff``, doubling, at most 10 minutes."""
    return int(
        get_exponential_backoff_interval(
            factor=task.job_backoff, retries=retries, maximum=600, full_jitter=False
        )
    )


def run(task: Any, job_id: str, function: JobFunction, kwargs: dict[str, Any]) -> None:
    """Run a job's function; see the module's docstring. On the worker a transient error
    queues a retry after ``backoff``; without a broker the retries run at once, here."""
    retries: int = task.request.retries or 0
    language = Job.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        while (error := _attempt(task, job_id, function, kwargs, retries)) is not None:
            if not task.request.is_eager:
                raise task.retry(exc=error, countdown=backoff(task, retries))
            retries += 1


def _attempt(
    task: Any, job_id: str, function: JobFunction, kwargs: dict[str, Any], retries: int
) -> Exception | None:
    """One attempt; the error to retry on, or None when there is nothing more to do."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return None
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING,
        started_at=job.started_at or timezone.now(),
        attempts=job.attempts + 1,
        error="",
    )
    job.refresh_from_db()
    try:
        with transaction.atomic():
            outcome = function(job=job, progress=Progress(job), **kwargs)
            _finish(job, outcome)
    except JobRefused as refused:
        _fail(job_id, str(refused))
    except Exception as exc:
        if task.job_retry and retries < task.max_retries:
            logger.warning("job %s (%s) failed, retrying: %s", job_id, job.kind, exc)
            Job.objects.filter(pk=job_id).update(
                status=JobStatus.QUEUED, message=_("A temporary error: trying again shortly.")
            )
            return exc
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, _("The job failed. Try again later; if it fails again, tell the admin."))
    return None


def job_task(
    name: str, *, retry: bool = True, max_retries: int = 3, backoff: int = 5
) -> Callable[[JobFunction], Any]:
    """A Celery task running ``function(job=, progress=, **kwargs) -> Outcome`` for a Job."""

    def decorate(function: JobFunction) -> Any:
        def body(self: Any, job_id: str, **kwargs: Any) -> None:
            run(self, job_id, function, kwargs)

        body.__name__ = function.__name__
        body.__doc__ = function.__doc__
        task = shared_task(bind=True, name=name, max_retries=max_retries, job_retry=retry)(body)
        task.job_backoff = backoff
        task.function = function
        return task

    return decorate


#: name → beat entry; filled by the packages' tasks.py (``schedule``)
SCHEDULE: dict[str, dict[str, Any]] = {}


def schedule(
    name: str,
    task: str,
    *,
    every: timedelta | crontab,
    kwargs: dict[str, Any] | None = None,
) -> None:
    """Register a periodic task for beat (one registry for every package's deadlines)."""
    SCHEDULE[name] = {"task": task, "schedule": every, "kwargs": kwargs or {}}


def beat_schedule() -> dict[str, dict[str, Any]]:
    return dict(SCHEDULE)
