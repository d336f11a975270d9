"""The reports' jobs: a draft and a PDF made by a job (eager here), reused when asked again,
refused with the user's message, and a draft job delivered twice drafting once."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from kaifaqu.core.models import Job, JobStatus
from kaifaqu.core.testing import messages_of
from kaifaqu.reports import render
from kaifaqu.reports.models import Draft
from kaifaqu.reports.services import draft_create, draft_start
from kaifaqu.reports.tasks import draft_job

from .conftest import PERIOD


@pytest.fixture
def draft(demo, progress):
    return draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)


def test_a_redraft_is_a_job_whose_result_is_the_new_draft(login, demo, draft):
    client = login("economy")
    response = client.post(reverse("reports:redraft", args=[draft.pk]))
    new = Draft.objects.latest("pk")
    assert response["Location"] == reverse("reports:draft", args=[new.pk])
    job = Job.objects.get(kind="reports.draft")
    assert (job.status, job.owner, job.result_url, job.message) == (
        JobStatus.DONE,
        demo.users["economy"],
        reverse("reports:draft", args=[new.pk]),
        "第2稿已生成。",  # the page was in Chinese
    )
    assert job.key == f"{draft.report_type.pk}:{demo.zone.pk}:{PERIOD}:1"


def test_a_draft_job_delivered_twice_drafts_once(demo, progress, draft):
    job = draft_start(
        actor=demo.users["economy"], report_type=progress, org_unit=demo.zone, period=PERIOD
    )
    count = Draft.objects.count()
    draft_job.delay(str(job.pk), report_type=progress.pk, org_unit=demo.zone.pk, period=PERIOD)
    assert Draft.objects.count() == count
    again = draft_start(
        actor=demo.users["economy"], report_type=progress, org_unit=demo.zone, period=PERIOD
    )
    assert again.pk != job.pk  # a new previous draft: a new draft, #3
    assert Draft.objects.latest("pk").number == 3


def test_a_draft_job_for_a_bad_period_fails_with_the_reason(demo, progress, draft):
    job = Job.objects.create(
        id="00000000-0000-0000-0000-0000000000aa", kind="reports.draft", language="en"
    )
    draft_job.delay(str(job.pk), report_type=progress.pk, org_unit=demo.zone.pk, period="2017-13")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == (  # in the language of the page that started it
        '"2017-13" is not a period: write 2017, 2017H1, 2017Q3, 2017-08 or 2017-01/2017-08.'
    )


def test_the_pdf_is_made_by_a_job_and_downloaded_by_its_owner_only(login, demo, draft, monkeypatch):
    monkeypatch.setattr(render, "pdf_bytes", lambda d: b"%PDF-1.4 " + str(d.pk).encode())
    client = login("leader")
    response = client.post(reverse("reports:pdf", args=[draft.pk]))
    job = Job.objects.get(kind="reports.pdf")
    assert response["Location"] == reverse("core:job_file", args=[job.pk])
    download = client.get(response["Location"])
    assert download.content == b"%PDF-1.4 " + str(draft.pk).encode()
    assert download["Content-Type"] == "application/pdf"
    assert job.result_name == f"{demo.zone.name}2017-01_2017-09{draft.report_type.name}-1.pdf"
    # Asked again: the same job, no second conversion.
    monkeypatch.setattr(render, "pdf_bytes", lambda d: pytest.fail("converted twice"))
    assert client.post(reverse("reports:pdf", args=[draft.pk]))["Location"] == response["Location"]
    other = login("economy")
    assert other.get(response["Location"]).status_code == 404


def test_the_three_administrators_may_not_start_a_pdf(login, draft):
    client = login("sysadmin")
    assert client.post(reverse("reports:pdf", args=[draft.pk])).status_code == 403
    assert not Job.objects.exists()


@override_settings(KAIFAQU_SOFFICE="no-such-soffice-kaifaqu")
def test_without_libreoffice_the_pdf_job_fails_with_the_reason(login, draft):
    client = login("leader")
    response = client.post(reverse("reports:pdf", args=[draft.pk]))
    assert response["Location"] == reverse("reports:draft", args=[draft.pk])
    job = Job.objects.get(kind="reports.pdf")
    assert job.status == JobStatus.FAILED
    assert "no-such-soffice-kaifaqu" in job.error
    assert messages_of(response) == [job.error]
