"""Jobs on a real Celery worker (a thread) over Redis: queued after the commit, picked up,
retried after a transient error and done; the outbox task sent. Only with
KAIFAQU_TEST_BROKER_URL set (.ci/run: redis://127.0.0.1:6379/1); skipped otherwise."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from celery import current_app
from celery.contrib.testing.worker import start_worker
from django.core import mail

from kaifaqu.consultations.models import OutboxChannel, OutboxMessage
from kaifaqu.consultations.outbox import outbox_enqueue
from kaifaqu.consultations.tasks import send_outbox
from kaifaqu.core.jobs import job_start
from kaifaqu.core.models import Job, JobStatus, User

from .test_jobs import count_job

BROKER = os.environ.get("KAIFAQU_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.queue,
    pytest.mark.skipif(not BROKER, reason="KAIFAQU_TEST_BROKER_URL is not set"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker() -> Iterator[None]:
    conf = current_app.conf
    before = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = BROKER, False
    with current_app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")  # nothing left from an earlier run
    try:
        with start_worker(current_app, pool="solo", perform_ping_check=False):
            yield
    finally:
        conf.broker_url, conf.task_always_eager = before


def _until(check, seconds: float = 120) -> None:
    """Wait for the worker thread (the one wait of the suite that is not simulated)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.05)


def test_a_job_is_queued_run_by_the_worker_and_retried(worker):
    owner = User.objects.create_user("owner", password="x")
    job = job_start(count_job, kind="tests.count", owner=owner, key="w", fail_times=1)
    assert job.status == JobStatus.QUEUED
    _until(lambda: Job.objects.get(pk=job.pk).finished)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.result_url) == (
        JobStatus.DONE,
        2,
        100,
        "/done/",
    )


def test_the_outbox_is_sent_by_the_worker(worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = outbox_enqueue(channel=OutboxChannel.EMAIL, recipient="a@example.com", body="hi")
    send_outbox.delay()
    _until(lambda: OutboxMessage.objects.get(pk=message.pk).sent_at is not None)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
