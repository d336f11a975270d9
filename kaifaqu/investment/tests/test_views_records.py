"""A project's records on its page (issue 4): follow-ups, files and funds are added,
changed with their version and removed through their forms, a refusal changing nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaifaqu.investment.models import (
    FollowUp,
    FundTranche,
    Project,
    ProjectFile,
)

from .test_views_support import (
    NEGOTIATING,
    STALE,
    page_url,
    project,
)

# --- follow-ups, files, funds ---------------------------------------------------------------


def test_a_follow_up_is_added_and_a_bad_one_refused_on_the_page(as_user):
    p = project(NEGOTIATING)
    client = as_user("investment")
    url = reverse("investment:followup_add", args=[p.pk])
    good = client.post(
        url,
        {
            "kind": "site_visit",
            "on": "2017-09-25",
            "note": "现场踏勘",
            "next_action": "报送用地申请",
            "next_action_on": "2017-10-10",
        },
    )
    assert good.status_code == 302
    assert good["Location"] == page_url(p) + "#follow-ups"
    (follow_up,) = FollowUp.objects.filter(project=p)
    assert (follow_up.kind, follow_up.by.username, follow_up.next_action_on) == (
        "site_visit",
        "investment",
        date(2017, 10, 10),
    )
    bad = client.post(
        url,
        {
            "kind": "call",
            "on": "2017-09-25",
            "note": "电话",
            "next_action": "回访",
            "next_action_on": "2017-09-01",
        },
    )
    assert bad.status_code == 200
    assert bad.context["followup_form"].errors["next_action_on"] == [
        "The next action cannot be due before the follow-up."
    ]
    assert FollowUp.objects.filter(project=p).count() == 1
    assert as_user("leader").post(url, {"kind": "call"}).status_code == 403


def test_files_are_uploaded_checked_downloaded_by_readers_and_removed(as_user, media):
    p = project(NEGOTIATING)
    client = as_user("investment")
    url = reverse("investment:file_add", args=[p.pk])
    bad = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")})
    assert bad.context["file_form"].errors["file"] == [
        "x.pdf is not the kind of file its name says: its content is EXE."
    ]
    good = client.post(
        url,
        {
            "file": SimpleUploadedFile("规划.png", b"\x89PNG\r\n\x1a\n...."),
            "description": "总平面图",
        },
    )
    assert good.status_code == 302
    (kept,) = ProjectFile.objects.filter(project=p)
    download = reverse("investment:file_download", args=[kept.pk])
    response = as_user("leader").get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n...."
    assert as_user("economy").get(download).status_code == 403
    assert (
        as_user("leader").post(reverse("investment:file_remove", args=[kept.pk])).status_code == 403
    )
    removed = as_user("investment").post(reverse("investment:file_remove", args=[kept.pk]))
    assert removed.status_code == 302
    assert not ProjectFile.objects.filter(project=p).exists()


def test_funds_are_added_changed_with_their_version_and_deleted(as_user):
    p = Project.objects.get(name="凯旺新能源与杭州赫日公司合作纯电动汽车增程器项目")
    client = as_user("investment")
    added = client.post(
        reverse("investment:tranche_add", args=[p.pk]),
        {
            "on": "2017-09-28",
            "amount": "500",
            "capital": "domestic",
            "voucher_note": "银行回单",
        },
    )
    assert added.status_code == 302
    tranche = FundTranche.objects.filter(project=p).latest("pk")
    url = reverse("investment:tranche_edit", args=[tranche.pk])
    data = {"on": "2017-09-28", "amount": "600", "capital": "domestic", "version": 1}
    assert client.post(url, data).status_code == 302
    tranche.refresh_from_db()
    assert (tranche.amount, tranche.version) == (Decimal("600"), 2)
    stale = client.post(url, {**data, "amount": "700"})
    assert stale.context["form"].non_field_errors() == [STALE]
    assert as_user("leader").post(url, {"delete": "1"}).status_code == 403
    assert as_user("investment").post(url, {"delete": "1"}).status_code == 302
    assert not FundTranche.objects.filter(pk=tranche.pk).exists()


def test_funds_of_an_unsigned_project_are_refused_on_the_page(as_user):
    p = project(NEGOTIATING)
    response = as_user("investment").post(
        reverse("investment:tranche_add", args=[p.pk]),
        {
            "on": "2017-09-28",
            "amount": "500",
            "capital": "domestic",
        },
    )
    assert response.status_code == 200
    assert response.context["tranche_form"].non_field_errors() == [
        "Funds are recorded for signed projects only."
    ]
    assert not FundTranche.objects.filter(project=p).exists()
