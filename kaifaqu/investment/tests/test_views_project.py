"""A project's page (issue 4): read by the readers only, its stages and their time, the
investor's contact details masked for anyone without the permission (showing them is
audited); editing with its version and moving with its evidence through their forms, a
refusal changing nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaifaqu.core.models import AuditAction
from kaifaqu.core.testing import audit_mark, audit_since, messages_of
from kaifaqu.investment.models import StageMove
from kaifaqu.investment.stages import Stage

from .test_views_support import (
    EDITORS,
    EVIDENCE_REFUSAL,
    LEAD,
    NEGOTIATING,
    OTHER_DEPARTMENTS,
    READERS,
    SEPARATED,
    SKIP_REFUSAL,
    STALE,
    columns_of,
    move_url,
    page_url,
    project,
)

# --- a project's page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [(u, 200) for u in READERS] + [(u, 403) for u in OTHER_DEPARTMENTS + SEPARATED],
)
def test_a_project_page_is_read_by_the_readers_only(as_user, username, status):
    response = as_user(username).get(page_url(project(NEGOTIATING)))
    assert response.status_code == status


def test_an_unknown_project_is_not_found(as_user):
    assert (
        as_user("investment").get(reverse("investment:project_detail", args=[99999])).status_code
        == 404
    )


def test_the_page_shows_the_stages_and_their_time(as_user):
    p = project(NEGOTIATING)
    response = as_user("leader").get(page_url(p))
    spans = [(str(label), s.since, s.until) for label, s in response.context["spans"]]
    assert spans == [
        ("Lead", date(2017, 5, 3), date(2017, 8, 1)),
        ("Negotiating", date(2017, 8, 1), None),
    ]
    assert response.context["spans"][0][1].days == 90
    assert [e.kind for e in response.context["timeline"]] == ["move", "move"]
    assert response.context["editable"] is False
    assert "followup_form" not in response.context


def test_contact_details_are_masked_for_those_without_the_permission(as_user):
    lead = project(LEAD)
    for username in ("leader", "admin"):
        client = as_user(username)
        mark = audit_mark()
        response = client.get(page_url(lead))
        contact = response.context["contact"]
        assert (contact.contact_person, contact.phone, contact.email, contact.masked) == (
            "赵**",
            "053*****0230",
            "c***@example.com",
            True,
        )
        html = response.content.decode()
        assert "0534-0000230" not in html
        assert "赵经理" not in html
        assert 'data-testid="contact-reveal"' not in html
        assert client.post(reverse("investment:project_contact", args=[lead.pk])).status_code == 403
        assert audit_since(mark) == []


def test_a_permitted_user_sees_masked_details_until_asking_and_the_view_is_audited(as_user):
    lead = project(LEAD)
    client = as_user("investment")
    mark = audit_mark()
    response = client.get(page_url(lead))
    assert response.context["contact"].phone == "053*****0230"
    assert 'data-testid="contact-reveal"' in response.content.decode()
    assert audit_since(mark) == []

    shown = client.post(
        reverse("investment:project_contact", args=[lead.pk]), HTTP_HX_REQUEST="true"
    )
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "0534-0000230" in html
    assert "赵经理" in html
    assert "contact131@example.com" in html
    assert "<html" not in html  # the contact block alone, for htmx to swap
    (row,) = audit_since(mark)
    assert (row.action, row.actor_username, row.object_type, row.object_id) == (
        AuditAction.VIEW_SENSITIVE,
        "investment",
        "enterprises.enterprise",
        str(lead.investor_id),
    )
    assert row.after == {
        "fields": ["contact_person", "phone", "email"],
        "enterprises": [lead.investor_id],
        "purpose": "project page",
    }
    # Without htmx the whole page comes back, with the details shown.
    page = client.post(reverse("investment:project_contact", args=[lead.pk]))
    assert page.context["contact"].masked is False
    assert len(audit_since(mark)) == 2


@pytest.mark.parametrize("username", OTHER_DEPARTMENTS)
def test_other_departments_cannot_ask_for_the_contact_details(as_user, username):
    client = as_user(username)
    mark = audit_mark()
    url = reverse("investment:project_contact", args=[project(LEAD).pk])
    assert client.post(url).status_code == 403
    assert audit_since(mark) == []


# --- editing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [(u, 200) for u in EDITORS] + [(u, 403) for u in ["leader", *OTHER_DEPARTMENTS, *SEPARATED]],
)
@pytest.mark.parametrize("name", ["project_edit", "project_move", "project_merge"])
def test_only_the_bureaus_editors_open_the_forms_that_change_a_project(
    as_user, username, status, name
):
    url = reverse(f"investment:{name}", args=[project(NEGOTIATING).pk])
    assert as_user(username).get(url).status_code == status


def test_an_editor_changes_a_project_with_its_version(as_user):
    p = project(NEGOTIATING)
    client = as_user("investment")
    form = client.get(reverse("investment:project_edit", args=[p.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": p.name,
            "investor": p.investor_id,
            "industry": p.industry_id,
            "department": p.department_id,
            "officer": p.officer_id,
            "org_unit": p.org_unit_id,
            "total_investment": "150000",
            "light_asset": "",
            "version": p.version,
        }
    )
    data = {k: v for k, v in data.items() if k not in ("land_parcel", "building_unit")}
    data["contract_investment"] = "120000"
    response = client.post(reverse("investment:project_edit", args=[p.pk]), data)
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.total_investment, p.version) == (Decimal("150000"), 2)
    # The same form again, at the version it was read: refused, nothing changed.
    data["total_investment"] = "1"
    stale = client.post(reverse("investment:project_edit", args=[p.pk]), data)
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors() == [STALE]
    p.refresh_from_db()
    assert p.total_investment == Decimal("150000")


@pytest.mark.parametrize("username", ["leader", "finance", "economy"])
def test_others_cannot_change_a_project(as_user, username):
    p = project(NEGOTIATING)
    response = as_user(username).post(
        reverse("investment:project_edit", args=[p.pk]), {"name": "改名", "version": p.version}
    )
    assert response.status_code == 403
    p.refresh_from_db()
    assert p.name == NEGOTIATING


# --- moving ---------------------------------------------------------------------------------


def test_the_move_form_asks_the_evidence_of_its_target(as_user):
    p = project(NEGOTIATING)
    client = as_user("investment")
    signed = client.get(move_url(p), {"to": "signed", "version": p.version})
    form = signed.context["form"]
    assert list(form.fields) == ["to", "on", "evidence_text", "evidence_file", "version", "next"]
    assert (str(form.fields["evidence_text"].label), str(form.fields["on"].label)) == (
        "Agreement (title or number)",
        "Signed on",
    )
    assert form.initial["on"] == timezone.localdate()
    dropped = client.get(move_url(p), {"to": "dropped"}).context["form"]
    assert list(dropped.fields) == ["to", "on", "reason", "version", "next"]
    # From the kanban (htmx): the form alone, for the dialog.
    partial = client.get(move_url(p), {"to": "signed"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html
    assert f'hx-post="{move_url(p)}"' in html


def _move(client, p, htmx=False, **data):
    payload = {
        "on": timezone.localdate().isoformat(),
        "version": p.version,
        "next": "/backoffice/investment/",
    }
    payload.update(data)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(move_url(p), payload, **extra)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"to": "signed"}, "evidence_text", EVIDENCE_REFUSAL),
        ({"to": "started", "evidence_text": "开工"}, None, SKIP_REFUSAL),
        ({"to": "lead"}, None, "A project does not move back: it is negotiating already."),
        ({"to": "dropped"}, None, "Say why the project is dropped."),
        ({"to": "signed", "evidence_text": "协议", "version": 7}, None, STALE),
        (
            {"to": "signed", "evidence_text": "协议", "on": "2017-07-01"},
            "on",
            "The project's last move is dated 2017-08-01; a move cannot be dated earlier.",
        ),
    ],
)
def test_a_refused_move_comes_back_with_its_reason_and_changes_nothing(
    as_user, data, field, message
):
    p = project(NEGOTIATING)
    client = as_user("investment")
    mark = audit_mark()
    response = _move(client, p, htmx=True, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in (
        form.errors[field] if field else [e for v in form.errors.values() for e in v]
    )
    html = response.content.decode()
    assert 'data-testid="move-errors"' in html
    assert "Nothing was changed." in html
    p.refresh_from_db()
    assert (p.stage, p.version, p.moves.count()) == (Stage.NEGOTIATING, 1, 2)
    assert audit_since(mark) == []


def test_a_move_with_its_evidence_is_made_and_the_board_reloaded(as_user):
    p = project(NEGOTIATING)
    client = as_user("investment")
    response = _move(client, p, htmx=True, to="signed", evidence_text="投资合作协议 DZKF-2017-088")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/backoffice/investment/"
    assert messages_of(response) == [f"{NEGOTIATING} moved to Signed."]
    p.refresh_from_db()
    assert (p.stage, p.signed_on, p.version) == (Stage.SIGNED, timezone.localdate(), 2)
    columns = columns_of(client.get(reverse("investment:kanban")))
    assert columns["negotiating"] == (1, Decimal("8000"), Decimal("0"))
    assert columns["signed"] == (38, Decimal("1961800"), Decimal("2057800"))


def test_a_move_without_javascript_is_a_page_and_a_redirect(as_user, media):
    p = project(NEGOTIATING)
    client = as_user("investment")
    page = client.get(move_url(p), {"to": "signed", "version": p.version})
    assert "<html" in page.content.decode()
    agreement = SimpleUploadedFile(
        "协议.pdf", b"%PDF-1.4 agreement", content_type="application/pdf"
    )
    response = _move(client, p, to="signed", evidence_file=agreement, next="")
    assert response.status_code == 302
    assert response["Location"] == page_url(p)
    move = StageMove.objects.filter(project=p).latest("pk")
    assert (move.to_stage, move.evidence_kind, move.evidence_text) == ("signed", "agreement", "")
    evidence = client.get(reverse("investment:evidence", args=[move.pk]))
    assert b"".join(evidence.streaming_content) == b"%PDF-1.4 agreement"
    assert as_user("finance").get(reverse("investment:evidence", args=[move.pk])).status_code == 403


def test_a_move_goes_back_only_to_a_page_of_this_site(as_user):
    p = project(NEGOTIATING)
    response = _move(
        as_user("investment"), p, to="signed", evidence_text="协议", next="https://evil.example/"
    )
    assert response["Location"] == page_url(p)


@pytest.mark.parametrize("username", ["leader", "economy", "finance"])
def test_a_move_by_someone_who_may_not_change_the_project_is_refused(as_user, username):
    p = project(NEGOTIATING)
    response = _move(as_user(username), p, to="signed", evidence_text="协议")
    assert response.status_code == 403
    p.refresh_from_db()
    assert p.stage == Stage.NEGOTIATING
