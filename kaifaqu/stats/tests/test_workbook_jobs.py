"""The workbook's check and import on the job queue: with a broker, the upload and the
confirmation go to the job's page, which leads on to the preview and to the workbook page
with the import's counts; without one (the other tests) the pages go straight on."""

from __future__ import annotations

import io
import re
from typing import Any
from unittest import mock

import pytest
from celery import current_app
from django.urls import reverse

from kaifaqu.core.models import Job, JobStatus
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats import tasks

from .workbook_support import NEW_ZONE, xlsx, zone_sheets

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def queued(demo, media, client, django_capture_on_commit_callbacks):
    """A broker configured: each job is handed to the worker after the commit (here: kept,
    to be run by the test as the worker would)."""
    client.force_login(demo.users["admin"])
    client.cookies["django_language"] = "en"
    sent: list[tuple[Any, str, dict[str, Any]]] = []

    def queue(task: Any) -> Any:
        return mock.patch.object(task, "delay", lambda pk, **kw: sent.append((task, pk, kw)))

    current_app.conf.task_always_eager = False
    try:
        with queue(tasks.check_workbook), queue(tasks.import_workbook):
            yield client, sent, django_capture_on_commit_callbacks
    finally:
        current_app.conf.task_always_eager = True


def _work(sent) -> None:
    """The worker: runs what was queued, in order."""
    while sent:
        task, pk, kwargs = sent.pop(0)
        task.apply(args=[pk], kwargs=kwargs)


def _token(url: str) -> str:
    found = re.search(r"/import/([^/]+)/", url)
    assert found is not None
    return found.group(1)


def _poll(client, job: Job):
    return client.get(reverse("core:job", args=[job.pk]), HTTP_HX_REQUEST="true")


def test_the_upload_and_the_import_follow_their_jobs(queued):
    client, sent, on_commit = queued
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    with on_commit(execute=True):
        response = client.post(reverse("stats:workbook"), {"file": upload})
    check = Job.objects.get(kind="workbook.check")
    assert response["Location"] == reverse("core:job", args=[check.pk])
    assert (check.status, check.message) == (JobStatus.QUEUED, "Checking zone.xlsx.")
    assert 'hx-trigger="every 1s"' in _poll(client, check).content.decode()

    _work(sent)
    check.refresh_from_db()
    token = _token(check.result_url)
    assert (check.status, _poll(client, check)["HX-Redirect"]) == (
        JobStatus.DONE,
        reverse("stats:import_preview", args=[token]),
    )
    preview = client.get(check.result_url).content.decode()
    assert 'data-testid="preview-ok"' in preview  # the findings the job kept
    assert not OrgUnit.objects.filter(code=NEW_ZONE).exists()

    with on_commit(execute=True):
        response = client.post(reverse("stats:import_confirm", args=[token]))
    job = Job.objects.get(kind="workbook.import")
    assert response["Location"] == reverse("core:job", args=[job.pk])
    assert not OrgUnit.objects.filter(code=NEW_ZONE).exists()  # not before the worker
    with on_commit(execute=True):
        _work(sent)
    job.refresh_from_db()
    assert (job.status, job.message) == (
        JobStatus.DONE,
        "zone.xlsx imported: 8 created, 0 updated, 1 unchanged.",
    )
    assert OrgUnit.objects.filter(code=NEW_ZONE).exists()
    assert _poll(client, job)["HX-Redirect"] == reverse("stats:workbook")
    # The counts are said on the page the job leads to.
    page = client.get(reverse("stats:workbook")).content.decode()
    assert "zone.xlsx imported: 8 created, 0 updated, 1 unchanged." in page


def test_a_second_confirmation_is_the_same_job_and_imports_nothing_twice(demo, media, client):
    client.force_login(demo.users["admin"])
    client.cookies["django_language"] = "en"
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    token = _token(preview)
    client.get(preview)
    first = client.post(reverse("stats:import_confirm", args=[token]))
    second = client.post(reverse("stats:import_confirm", args=[token]))
    assert first["Location"] == second["Location"] == reverse("stats:workbook")
    assert Job.objects.filter(kind="workbook.import").count() == 1
    assert OrgUnit.objects.filter(code=NEW_ZONE).count() == 1


def test_a_refused_import_goes_back_to_the_preview_saying_why(demo, media, client):
    client.force_login(demo.users["admin"])
    client.cookies["django_language"] = "en"
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    token = _token(preview)
    # Never previewed in this language and its findings swept: the import checks nothing
    # it was not shown, and sends the user back to look.
    from kaifaqu.stats.workbook import staging

    staging.forget_findings(token)
    response = client.post(reverse("stats:import_confirm", args=[token]))
    assert response["Location"] == preview
    followed = client.get(preview).content.decode()
    assert "Nothing was imported: the workbook has problems." in followed
    assert not OrgUnit.objects.filter(code=NEW_ZONE).exists()
