"""The reports' jobs: drafting a report and converting a draft to PDF, off the request."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from kaifaqu.core.jobs import JobRefused, Outcome, Progress, job_task
from kaifaqu.core.models import Job
from kaifaqu.orgs.models import OrgUnit

from . import render
from .checker import TemplateRefused
from .models import Draft, ReportType
from .pdf import PdfUnavailable


def file_name(draft: Draft) -> str:
    d = draft
    return f"{d.org_unit.name}{d.period.replace('/', '_')}{d.report_type.name}-{d.number}"


@job_task("reports.draft")
def draft_job(
    *, job: Job, progress: Progress, report_type: int, org_unit: int, period: str
) -> Outcome:
    """A new draft (services.draft_create) as the job's owner; the page goes to it."""
    from .services import draft_create

    progress(10, _("Computing the figures."))
    try:
        draft = draft_create(
            actor=job.owner,
            report_type=ReportType.objects.get(pk=report_type),
            org_unit=OrgUnit.objects.get(pk=org_unit),
            period=period,
        )
    except TemplateRefused as refused:
        raise JobRefused(str(refused)) from refused
    except ValidationError as e:
        raise JobRefused("; ".join(e.messages)) from e
    return Outcome(
        url=reverse("reports:draft", args=[draft.pk]),
        message=_("Draft #%(number)d is ready.") % {"number": draft.number},
    )


@job_task("reports.pdf")
def pdf_job(*, job: Job, progress: Progress, draft: int, **kwargs: Any) -> Outcome:
    """The draft's final copy as PDF, kept on the job for its owner to download."""
    found = Draft.objects.select_related("report_type", "org_unit", "template").get(pk=draft)
    progress(20, _("Converting to PDF with LibreOffice."))
    try:
        content = render.pdf_bytes(found)
    except PdfUnavailable as e:
        raise JobRefused(str(e)) from e
    return Outcome(
        file=content,
        name=f"{file_name(found)}.pdf",
        content_type="application/pdf",
        message=_("The PDF is ready."),
    )
