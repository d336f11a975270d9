"""The investment workbook's template, uploaded as downloaded, is refused with what to fill
in, and nothing is written (the file layer's rule: stats/tests/test_workbook_blank.py)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from kaifaqu.core.models import AuditEntry
from kaifaqu.core.testing import search
from kaifaqu.investment.models import Project

EMPTY = (
    "The workbook has no rows to import, so nothing was imported: fill in the sheets "
    "projects, tranches, plans, progress, a row for each record under the heading row, "
    "and upload it again."
)


@pytest.mark.urls("kaifaqu.investment.tests.workbook.test_pages")
def test_the_blank_template_uploaded_is_refused_and_nothing_is_written(client, seeded, media):
    client.force_login(seeded.users["investment"])
    client.cookies["django_language"] = "en"
    before = (Project.objects.count(), AuditEntry.objects.count())
    upload = io.BytesIO(client.get(reverse("investment_workbook:template")).content)
    upload.name = "kaifaqu-investment-template.xlsx"
    preview = client.post(reverse("investment_workbook:page"), {"file": upload})["Location"]
    html = re.sub(r">\s+<", "><", client.get(preview).content.decode())
    assert 'data-testid="preview-ok"' not in html
    assert 'data-testid="confirm-import"' not in html
    assert f"<td><code></code></td><td>{EMPTY}</td></tr>" in html
    token = search(r"/import/([^/]+)/", preview).group(1)
    response = client.post(reverse("investment_workbook:confirm", args=[token]))
    assert response["Location"] == preview
    assert (Project.objects.count(), AuditEntry.objects.count()) == before
