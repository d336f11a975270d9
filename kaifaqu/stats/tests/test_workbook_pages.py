"""The statistics workbook's commands and pages: import_workbook and export_workbook; upload,
preview, confirm, downloads.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.stats.models import DataValue
from kaifaqu.stats.workbook import (
    columns,
    read_workbook,
    staging,
)

from .workbook_support import (
    CITY,
    NEW_ZONE,
    NOT_XLSX,
    OWNER_ONLY,
    xlsx,
    zone_sheets,
)

pytestmark = pytest.mark.usefixtures("english")


# -- commands --------------------------------------------------------------------------------


def test_the_import_command_imports_with_a_progress_bar(demo, tmp_path):
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(zone_sheets()))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workbook", str(path), "--user", "admin", stdout=out, stderr=err)
    assert "values: 4 created, 0 updated, 0 unchanged" in out.getvalue()
    assert err.getvalue().endswith("100% 9/9\n")
    assert OrgUnit.objects.filter(code=NEW_ZONE).exists()
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).get()
    assert entry.actor_username == "admin"


def test_the_import_command_prints_every_problem_and_fails(demo, tmp_path, nothing_written):
    sheets = zone_sheets()
    sheets["values"][1][3] = "x"
    sheets["values"][2][2] = "2016-8"
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(sheets))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problems: nothing was imported\."):
        call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        'values!D2: "x" is not a number.',
        'values!C3: "2016-8" is not a period: write 2017, 2017H1, 2017Q3, 2017-08 or '
        "2017-01/2017-08.",
    ]


def test_the_import_command_dry_run_writes_nothing(demo, tmp_path, nothing_written):
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(zone_sheets()))
    out = io.StringIO()
    call_command("import_workbook", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "orgunits: 2 created" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()


def test_the_import_command_applies_the_user_s_rights(demo, tmp_path, nothing_written):
    path = tmp_path / "zone.xlsx"
    path.write_bytes(xlsx(zone_sheets()))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_workbook", str(path), "--user", "finance", stdout=io.StringIO(), stderr=err
        )
    assert "orgunits!A2: Only a zone administrator may change the org tree." in err.getvalue()
    assert f"elements!A3: {OWNER_ONLY}" in err.getvalue()


def test_the_export_command_writes_a_workbook_for_the_orgs_named(demo, tmp_path):
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_workbook", "-o", str(path), "--org", "371482", stdout=out)
    plan = read_workbook(path)
    assert {r.org for r in plan.values} == {"371482"}
    assert {r.code for r in plan.orgunits} == {"371482", CITY}
    with pytest.raises(CommandError, match="Unknown org unit 999"):
        call_command("export_workbook", "-o", str(path), "--org", "999", stdout=out)


# -- the pages -------------------------------------------------------------------------------


@pytest.fixture
def page(client, demo, media):
    def _as(username):
        if username:
            client.force_login(demo.users[username])
        client.cookies["django_language"] = "en"
        return client

    return _as


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("economy", 200),
        ("investment", 200),
        ("twodept", 200),
        ("admin", 200),
        ("finance", 403),  # a viewer
        ("leader", 403),  # reads everything, changes nothing
        ("sysadmin", 403),
        ("secadmin", 403),
        ("auditadmin", 403),
    ],
)
def test_the_workbook_page_is_for_editors(page, username, status):
    client = page(username)
    assert client.get(reverse("stats:workbook")).status_code == status
    assert client.get(reverse("stats:template")).status_code == status
    nav = client.get(reverse("core:dashboard")).content.decode()
    assert ('data-nav="stats"' in nav) is (status == 200)


def test_anonymous_users_are_sent_to_the_login(page):
    client = page(None)
    for name in ("stats:workbook", "stats:template", "stats:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))


def test_upload_preview_confirm_imports(page, media, django_capture_on_commit_callbacks):
    client = page("admin")
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    response = client.post(reverse("stats:workbook"), {"file": upload})
    assert response.status_code == 302
    preview = response["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    assert (media / "imports" / f"{token}.xlsx").is_file()
    assert client.session[staging.SESSION_KEY] == {token: "zone.xlsx"}  # the name, no bytes

    page_html = client.get(preview).content.decode()
    assert 'data-testid="preview-ok"' in page_html
    counts = '<tr data-sheet="orgunits"><td><code>orgunits</code></td><td class="text-end">2</td>'
    assert counts in page_html
    assert "德州示范经济开发区" in page_html  # the first rows are shown
    assert not OrgUnit.objects.filter(code=NEW_ZONE).exists()  # the preview wrote nothing

    with django_capture_on_commit_callbacks(execute=True):  # the file goes with the commit
        response = client.post(reverse("stats:import_confirm", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("stats:workbook")
    assert OrgUnit.objects.filter(code=NEW_ZONE).exists()
    assert DataValue.objects.filter(org_unit__code=NEW_ZONE).count() == 3
    assert not (media / "imports" / f"{token}.xlsx").exists()
    followed = client.get(reverse("stats:workbook")).content.decode()
    assert "zone.xlsx imported: 8 created, 0 updated, 1 unchanged." in followed


def test_the_preview_lists_every_problem_and_offers_no_import(page):
    client = page("economy")
    sheets = zone_sheets()
    sheets["values"][1][3] = "x"
    upload = io.BytesIO(xlsx(sheets))
    upload.name = "zone.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    html = client.get(preview).content.decode()
    assert 'data-problem="values!D2"' in html
    assert "is not a number." in html
    assert 'data-testid="confirm-import"' not in html


def test_the_preview_shows_rights_problems_from_the_dry_run(page):
    client = page("economy")  # may not add org units
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    html = client.get(preview).content.decode()
    assert 'data-problem="orgunits!A2"' in html
    assert "Only a zone administrator may change the org tree." in html
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    client.post(reverse("stats:import_confirm", args=[token]))
    assert not OrgUnit.objects.filter(code=NEW_ZONE).exists()


def test_a_non_workbook_upload_is_refused_in_the_preview(page):
    client = page("economy")
    upload = io.BytesIO(b"a,b\n1,2\n")
    upload.name = "data.xlsx"
    preview = client.post(reverse("stats:workbook"), {"file": upload})["Location"]
    assert NOT_XLSX.replace('"', "&quot;") in client.get(preview).content.decode()


def test_an_upload_over_the_limit_is_refused_by_the_form(page, monkeypatch, media):
    monkeypatch.setattr(columns, "MAX_FILE_BYTES", 100)
    client = page("economy")
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    response = client.post(reverse("stats:workbook"), {"file": upload})
    assert response.status_code == 200
    assert "The file is larger than" in response.content.decode()
    assert not (media / "imports").exists() or not any((media / "imports").iterdir())


def test_an_upload_belongs_to_the_session_that_made_it(page, client, demo):
    owner = page("economy")
    upload = io.BytesIO(xlsx(zone_sheets()))
    upload.name = "zone.xlsx"
    preview = owner.post(reverse("stats:workbook"), {"file": upload})["Location"]
    token = re.search(r"/import/([^/]+)/", preview).group(1)
    client.logout()
    client.force_login(demo.users["investment"])
    assert client.get(preview).status_code == 404
    assert client.post(reverse("stats:import_confirm", args=[token])).status_code == 404
    assert client.get(reverse("stats:import_preview", args=["..%2F..%2Fetc"])).status_code == 404


def test_the_downloads(page):
    client = page("economy")
    response = client.get(reverse("stats:template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # The template itself holds no row: read as it is downloaded, it is refused for that alone.
    assert [p.message for p in read_workbook(response.content, name="t.xlsx").problems] == [
        "The workbook has no rows to import, so nothing was imported: fill in the sheets "
        "elements, orgunits, values, targets, a row for each record under the heading row, "
        "and upload it again."
    ]
    response = client.get(reverse("stats:export"))
    assert "attachment;" in response["Content-Disposition"]
    plan = read_workbook(response.content, name="e.xlsx")
    assert {r.department for r in plan.elements} == {"economy"}
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor_username="economy").exists()
    leader = page("leader")
    assert leader.get(reverse("stats:export")).status_code == 200
    assert leader.get(reverse("stats:export") + "?org=nope").status_code == 404
    assert page("sysadmin").get(reverse("stats:export")).status_code == 403
