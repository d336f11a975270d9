"""The investment workbook's pages: who sees them, upload, preview and confirm, the export
download narrowed like the list.

Runs on the demo ledger (``seeded``); each test's writes are rolled back.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import include, path, reverse

from kaifaqu.config import urls as root_urls
from kaifaqu.investment.models import Project
from kaifaqu.investment.workbook import read_workbook
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.workbook import staging

from .helpers import NOT_XLSX, good_sheets, new_project, xlsx

# The pages are mounted here as the root URLs will mount them (see workbook/urls.py), unless
# the root URLs do already.
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "investment_workbook" for p in urlpatterns):
    urlpatterns.insert(
        0,
        path("backoffice/investment/workbook/", include("kaifaqu.investment.workbook.urls")),
    )


# -- the pages -----------------------------------------------------------------------------


@pytest.fixture
def page(client, seeded, media):
    def _as(username):
        if username:
            client.force_login(seeded.users[username])
        client.cookies["django_language"] = "en"
        return client

    return _as


def _upload(client, sheets, name="projects.xlsx"):
    upload = io.BytesIO(xlsx(sheets) if isinstance(sheets, dict) else sheets)
    upload.name = name
    return client.post(reverse("investment_workbook:page"), {"file": upload})


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("username", "page_status", "imports"),
    [
        ("investment", 200, True),
        ("twodept", 200, True),
        ("admin", 200, True),
        ("leader", 200, False),  # reads and exports everything, imports nothing
        ("economy", 200, False),  # an editor, of another department
        ("finance", 200, False),
        ("sysadmin", 403, False),
        ("secadmin", 403, False),
        ("auditadmin", 403, False),
    ],
)
def test_the_workbook_page_per_role(page, username, page_status, imports):
    client = page(username)
    response = client.get(reverse("investment_workbook:page"))
    assert response.status_code == page_status
    assert ('data-testid="workbook-upload"' in response.content.decode()) is imports
    assert client.get(reverse("investment_workbook:template")).status_code == (
        200 if imports else 403
    )
    posted = _upload(client, good_sheets())
    assert posted.status_code == (302 if imports else 403)
    export = client.get(reverse("investment_workbook:export"))
    assert export.status_code == page_status


@pytest.mark.urls(__name__)
def test_anonymous_users_are_sent_to_the_login(page):
    client = page(None)
    for name in ("page", "template", "export"):
        response = client.get(reverse(f"investment_workbook:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.urls(__name__)
def test_upload_preview_confirm_imports(page, media, django_capture_on_commit_callbacks):
    client = page("investment")
    response = _upload(client, good_sheets())
    preview = response["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    assert (media / "imports" / f"{token}.xlsx").is_file()
    assert client.session["investment_workbook_uploads"] == {token: "projects.xlsx"}
    assert staging.SESSION_KEY not in client.session  # kept apart from the statistics uploads

    html = re.sub(r">\s+<", "><", client.get(preview).content.decode())
    assert 'data-testid="preview-ok"' in html
    assert (
        '<tr data-sheet="progress"><td><code>progress</code></td><td class="text-end">3</td>'
        '<td class="text-end">3</td>'
    ) in html
    assert "甬江精密轴承制造项目" in html
    assert not Project.objects.filter(name="甬江精密轴承制造项目").exists()  # a dry run

    with django_capture_on_commit_callbacks(execute=True):  # the file goes with the commit
        response = client.post(reverse("investment_workbook:confirm", args=[token]))
    assert response["Location"] == reverse("investment_workbook:page")
    assert Project.objects.filter(name="甬江精密轴承制造项目").exists()
    assert not (media / "imports" / f"{token}.xlsx").exists()
    followed = client.get(reverse("investment_workbook:page")).content.decode()
    assert "projects.xlsx imported: 7 created, 0 updated, 0 unchanged." in followed


@pytest.mark.urls(__name__)
def test_the_preview_lists_every_problem_and_offers_no_import(page, coded):
    client = page("investment")
    sheets = good_sheets()
    sheets["projects"][1] = new_project(
        investor_credit_code=coded.investor.credit_code,
        investor_name=coded.investor.name,
        contract_investment="abc",
    )
    preview = _upload(client, sheets)["Location"]
    html = client.get(preview).content.decode()
    assert 'data-problem="projects!K2"' in html
    assert "&quot;abc&quot; is not a number." in html
    assert 'data-testid="confirm-import"' not in html
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    before = Project.objects.count()
    client.post(reverse("investment_workbook:confirm", args=[token]))
    assert Project.objects.count() == before


@pytest.mark.urls(__name__)
def test_an_upload_belongs_to_the_session_that_made_it(page, client, seeded):
    owner = page("investment")
    preview = _upload(owner, good_sheets())["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    client.logout()
    client.force_login(seeded.users["twodept"])
    assert client.get(preview).status_code == 404
    assert client.post(reverse("investment_workbook:confirm", args=[token])).status_code == 404


@pytest.mark.urls(__name__)
def test_a_non_workbook_upload_is_refused_in_the_preview(page):
    client = page("investment")
    preview = _upload(client, b"a,b\n1,2\n", name="data.xlsx")["Location"]
    assert NOT_XLSX.replace('"', "&quot;") in client.get(preview).content.decode()


@pytest.mark.urls(__name__)
def test_the_export_download_filters_as_the_list_does(page, seeded):
    response = page("leader").get(reverse("investment_workbook:export") + "?stage=operating")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    plan = read_workbook(response.content, name="e.xlsx")
    assert {r.project.stage for r in plan.projects} == {"operating"}
    town = OrgUnit.objects.get(code="371471103")
    query = (
        f"?org_unit={town.pk}&light_asset=false&department={seeded.departments['investment'].pk}"
    )
    response = page("leader").get(reverse("investment_workbook:export") + query)
    plan = read_workbook(response.content, name="e.xlsx")
    expected = Project.objects.filter(
        org_unit=town, light_asset=False, merged_into__isnull=True
    ).values_list("pk", flat=True)
    assert {r.project.pk for r in plan.projects} == set(expected)
    bad = page("leader").get(reverse("investment_workbook:export") + "?signed_in=2017-13")
    assert bad.status_code == 400
    assert 'data-testid="workbook-export"' in bad.content.decode()
