"""A job's page and state for whoever started it (polled by htmx every second, no script of
its own), and its file. Only the job's owner sees them; anyone else gets 404, as for a job
that does not exist. ``job_redirect`` is where a view that started a job sends the user."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views import View

from kaifaqu.core.models import Job, JobStatus


def job_of(request: HttpRequest, pk: Any) -> Job:
    job = Job.objects.filter(pk=pk).first()
    if job is None or job.owner_id is None or job.owner_id != request.user.pk:
        raise Http404
    return job


def job_redirect(request: HttpRequest, job: Job, *, back: str) -> HttpResponse:
    """Done (eager, or reused): to its result; failed: back, with its error; else its page."""
    if job.status == JobStatus.DONE:
        if job.announce:
            messages.success(request, job.message)
        if job.result_file is not None:
            return redirect("core:job_file", pk=job.pk)
        if job.result_url:
            return redirect(job.result_url)
    if job.status == JobStatus.FAILED:
        messages.error(request, job.error)
        return redirect(back)
    return redirect("core:job", pk=job.pk)


class JobView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        job = job_of(request, pk)
        if not getattr(request, "htmx", False):
            return render(request, "core/job_page.html", {"job": job})
        # Polled every second: no context processors (the menu's role queries) for a fragment.
        response = HttpResponse(render_to_string("core/job.html", {"job": job}))
        if job.status == JobStatus.DONE and job.result_url and job.result_file is None:
            if job.announce:
                messages.success(request, job.message)
            response["HX-Redirect"] = job.result_url
        return response


class JobFileView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        job = job_of(request, pk)
        if job.status != JobStatus.DONE or job.result_file is None:
            raise Http404
        response = HttpResponse(bytes(job.result_file), content_type=job.result_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_name)}"
        return response


__all__ = ["JobFileView", "JobView", "job_of", "job_redirect"]
