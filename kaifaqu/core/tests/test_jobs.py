"""Jobs (core.jobs): the record's progression, the polling page for its owner only, the same
job for the same work, retries with back-off on a transient error and none on a refusal,
eager without a broker, and the schedule registry beat reads."""

from __future__ import annotations

import uuid
from typing import Any
from unittest import mock

import pytest
from celery import current_app
from celery.exceptions import Retry
from celery.schedules import crontab
from django.test import Client
from django.urls import reverse

from kaifaqu.core import jobs
from kaifaqu.core.jobs import JobRefused, Outcome, Progress, job_start, job_task
from kaifaqu.core.models import Job, JobStatus, User
from kaifaqu.core.testing import sign_in

pytestmark = pytest.mark.usefixtures("english")  # the messages are asserted in English

#: what each run of the test jobs saw, in order
SEEN: list[Any] = []


@job_task("tests.count", backoff=1)
def count_job(
    *, job: Job, progress: Progress, fail_times: int = 0, refuse: bool = False
) -> Outcome:
    progress(50, "Half way.")
    row = Job.objects.get(pk=job.pk)
    SEEN.append((row.status, row.progress, row.message, row.attempts))
    if refuse:
        raise JobRefused("This cannot be done.")
    if row.attempts <= fail_times:
        raise ConnectionError("the database went away")
    return Outcome(url="/done/", message="Counted.")


@job_task("tests.no_retry", retry=False)
def once_job(*, job: Job, progress: Progress) -> Outcome:
    SEEN.append(job.attempts)
    raise ConnectionError("half sent")


@pytest.fixture(autouse=True)
def _seen():
    SEEN.clear()
    yield
    SEEN.clear()


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_user("owner", password="x")


@pytest.fixture
def other(db) -> User:
    return User.objects.create_user("other", password="x")


def test_without_a_broker_jobs_run_in_the_request(settings):
    assert settings.CELERY_BROKER_URL == ""
    assert current_app.conf.task_always_eager is True
    assert current_app.conf.task_eager_propagates is True


def test_a_job_goes_queued_running_done_with_its_progress(owner):
    job = job_start(count_job, kind="tests.count", owner=owner, message="Waiting.")
    assert SEEN == [(JobStatus.RUNNING, 50, "Half way.", 1)]
    assert (job.status, job.progress, job.message, job.result_url) == (
        JobStatus.DONE,
        100,
        "Counted.",
        "/done/",
    )
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.finished_at >= job.started_at >= job.created_at
    assert (job.error, job.attempts, job.owner) == ("", 1, owner)


def test_a_refused_job_fails_with_its_message_and_is_not_retried(owner):
    job = job_start(count_job, kind="tests.count", owner=owner, refuse=True)
    assert (job.status, job.error, job.attempts, len(SEEN)) == (
        JobStatus.FAILED,
        "This cannot be done.",
        1,
        1,
    )


def test_a_transient_error_is_retried_at_once_without_a_broker(owner):
    job = job_start(count_job, kind="tests.count", owner=owner, fail_times=2)
    assert [s[3] for s in SEEN] == [1, 2, 3]
    assert (job.status, job.attempts, job.error) == (JobStatus.DONE, 3, "")


def test_on_the_worker_a_transient_error_is_retried_with_back_off(owner):
    job = Job.objects.create(id=uuid.uuid4(), kind="tests.count", owner=owner, language="en")
    for retries, countdown in [(0, 1), (1, 2), (2, 4)]:
        count_job.push_request(retries=retries, is_eager=False)
        try:
            with (
                mock.patch.object(count_job, "retry", side_effect=Retry) as retry,
                pytest.raises(Retry),
            ):
                jobs.run(count_job, str(job.pk), count_job.function, {"fail_times": 9})
        finally:
            count_job.pop_request()
        assert retry.call_args.kwargs["countdown"] == countdown
        assert isinstance(retry.call_args.kwargs["exc"], ConnectionError)
        job.refresh_from_db()
        assert (job.status, job.attempts) == (JobStatus.QUEUED, retries + 1)
        assert job.message == "A temporary error: trying again shortly."
    assert jobs.backoff(count_job, 20) == 600


def test_a_job_failing_past_its_retries_fails_with_a_message_for_the_user(owner):
    job = job_start(count_job, kind="tests.count", owner=owner, fail_times=10)
    assert len(SEEN) == count_job.max_retries + 1 == 4
    assert job.status == JobStatus.FAILED
    assert job.error == ("The job failed. Try again later; if it fails again, tell the admin.")


def test_a_job_not_safe_to_repeat_is_not_retried(owner):
    job = job_start(once_job, kind="tests.no_retry", owner=owner)
    assert (SEEN, job.status) == ([1], JobStatus.FAILED)


def test_the_same_work_asked_again_is_the_same_job(owner, other):
    first = job_start(count_job, kind="tests.count", owner=owner, key="k")
    again = job_start(count_job, kind="tests.count", owner=owner, key="k")
    theirs = job_start(count_job, kind="tests.count", owner=other, key="k")
    assert again.pk == first.pk != theirs.pk
    assert len(SEEN) == 2
    count_job.delay(str(first.pk))  # the task delivered twice: a done job does nothing
    assert len(SEEN) == 2
    assert Job.objects.count() == 2


def test_a_failed_job_asked_again_is_a_new_job(owner):
    failed = job_start(count_job, kind="tests.count", owner=owner, key="k", refuse=True)
    retried = job_start(count_job, kind="tests.count", owner=owner, key="k")
    assert failed.pk != retried.pk
    assert retried.status == JobStatus.DONE


def test_with_a_broker_the_job_is_queued_after_the_commit(
    owner, django_capture_on_commit_callbacks
):
    current_app.conf.task_always_eager = False
    with (
        mock.patch.object(count_job, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        job = job_start(count_job, kind="tests.count", owner=owner, fail_times=0)
        assert not delay.called
    assert len(callbacks) == 1
    delay.assert_called_once_with(str(job.pk), fail_times=0)
    current_app.conf.task_always_eager = True
    assert (job.status, job.message) == (JobStatus.QUEUED, "Waiting for the worker.")


def _running(owner: User) -> Job:
    return Job.objects.create(
        id="00000000-0000-0000-0000-000000000001",
        kind="tests.count",
        owner=owner,
        status=JobStatus.RUNNING,
        progress=40,
        message="Reading rows.",
    )


def test_the_owner_polls_the_job_until_it_is_done(client: Client, owner, django_assert_num_queries):
    job = _running(owner)
    sign_in(client, owner)
    url = reverse("core:job", args=[job.pk])
    # session, user, the session's second-factor device (django-otp), "is this a visitor"
    # (the back office's gate), job; session saved (3)
    with django_assert_num_queries(8):
        part = client.get(url, HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert part.status_code == 200
    assert f'hx-get="{url}" hx-trigger="every 1s"' in html
    assert '<progress class="w-100" max="100" value="40"' in html
    assert "Reading rows." in html
    assert "<script" not in html
    assert "style=" not in html
    page = client.get(url)
    assert page.status_code == 200
    assert "Working on it" in page.content.decode()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, progress=100, message="Counted.", result_url="/done/"
    )
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == "/done/"
    assert "hx-trigger" not in done.content.decode()


def test_a_failed_job_shows_its_error_and_stops_polling(client: Client, owner):
    job = _running(owner)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="No LibreOffice.")
    sign_in(client, owner)
    html = client.get(reverse("core:job", args=[job.pk]), HTTP_HX_REQUEST="true").content
    assert "No LibreOffice." in html.decode()
    assert b"hx-trigger" not in html


def test_only_the_owner_sees_the_job_and_its_file(client: Client, owner, other):
    job = _running(owner)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        result_file=b"%PDF-1.4",
        result_name="报告.pdf",
        result_type="application/pdf",
    )
    urls = [reverse("core:job", args=[job.pk]), reverse("core:job_file", args=[job.pk])]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    sign_in(client, other)
    for url in urls:
        assert client.get(url).status_code == 404
    sign_in(client, owner)
    download = client.get(urls[1])
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"
    )


def test_a_job_without_a_file_has_no_download(client: Client, owner):
    job = _running(owner)
    sign_in(client, owner)
    assert client.get(reverse("core:job_file", args=[job.pk])).status_code == 404


def test_packages_register_their_schedules_for_beat():
    current_app.loader.import_default_modules()  # what the worker and beat do at start
    entry = jobs.beat_schedule()["consultations.send_outbox"]
    assert entry["task"] == "consultations.send_outbox"
    assert entry["schedule"].total_seconds() == 60
    jobs.schedule("tests.nightly", "tests.count", every=crontab(hour=2, minute=0))
    try:
        assert jobs.beat_schedule()["tests.nightly"]["schedule"] == crontab(hour=2, minute=0)
    finally:
        del jobs.SCHEDULE["tests.nightly"]
