"""The investment pages per role (issue 4): 招商局's editors change projects; leaders and
zone administrators read them; other departments (经济发展局, 财政局) read none of 招商局's
records; the three administrators are refused; anonymous visitors are sent to log in; the
investor's contact details stay masked for anyone without the permission, and showing them
is audited. Moves, duplicates, merging, follow-ups, files, funds, key projects and talent go
through their forms, a refusal changing nothing. The kanban and the list take a number of
queries that does not grow with the number of projects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaifaqu.core.models import AuditAction, AuditEntry
from kaifaqu.enterprises.models import Enterprise, Industry
from kaifaqu.investment import services
from kaifaqu.investment.models import (
    FollowUp,
    FundTranche,
    KeyProjectPlan,
    ProgressIssue,
    ProgressReport,
    Project,
    ProjectFile,
    StageMove,
    TalentAward,
    TalentProgramme,
    TalentSubsidy,
)
from kaifaqu.investment.services import MoveSpec
from kaifaqu.investment.stages import Stage

READERS = ["admin", "leader", "investment", "twodept"]
EDITORS = ["admin", "investment", "twodept"]
OTHER_DEPARTMENTS = ["economy", "finance"]
SEPARATED = ["sysadmin", "secadmin", "auditadmin"]

#: The demo's pipeline (kaifaqu.investment.demo): stage → count, contracted, total (万元).
DEMO_COLUMNS = {
    "lead": (3, Decimal("0"), Decimal("0")),
    "negotiating": (2, Decimal("128000"), Decimal("0")),
    "signed": (37, Decimal("1841800"), Decimal("2057800")),
    "started": (17, Decimal("196600"), Decimal("316600")),
    "under_construction": (65, Decimal("2639800"), Decimal("2741900")),
    "operating": (9, Decimal("219500"), Decimal("236500")),
    "dropped": (2, Decimal("13000"), Decimal("8000")),
}
NEGOTIATING = "星阳锂离子电池生产线项目"  # negotiating, 120000万元 contracted
LEAD = "天康众创空间项目"  # a lead; its investor 天康孵化器管理有限公司, 赵经理, 0534-0000230
EVIDENCE_REFUSAL = (
    "Signing needs its evidence: the agreement (its title or number, or the signed file)."
)
SKIP_REFUSAL = (
    "A project moves one stage at a time: from negotiating it goes to signed, not started."
)
STALE = (
    "Someone else saved this record while you were editing it. Reload it to see their change, "
    "then make yours again."
)


@pytest.fixture
def as_user(client, seeded):
    """The test client signed in as a demo account, reading the pages in English."""

    def _as(username: str):
        client.force_login(seeded.users[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def project(name: str) -> Project:
    return Project.objects.select_related("investor").get(name=name)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def audit_mark() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def audit_since(mark: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=mark).order_by("seq"))


def columns_of(response) -> dict[str, tuple[int, Decimal, Decimal]]:
    return {
        c.stage: (c.count, c.contract_investment, c.total_investment)
        for c in response.context["columns"]
    }


def page_url(p: Project) -> str:
    return reverse("investment:project_detail", args=[p.pk])


def move_url(p: Project) -> str:
    return reverse("investment:project_move", args=[p.pk])


# --- anonymous visitors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "with_pk"),
    [
        ("kanban", False),
        ("project_list", False),
        ("project_create", False),
        ("key_projects", False),
        ("talent", False),
        ("awards", False),
        ("award_create", False),
        ("programme_create", False),
        ("project_detail", True),
        ("project_edit", True),
        ("project_move", True),
        ("project_merge", True),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, seeded, name, with_pk):
    args = [project(LEAD).pk] if with_pk else []
    url = reverse(f"investment:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={url}"


def test_an_anonymous_move_or_contact_view_changes_and_records_nothing(client, seeded):
    lead = project(LEAD)
    mark = audit_mark()
    moved = client.post(move_url(lead), {"to": "negotiating", "on": "2017-09-20", "version": 1})
    shown = client.post(reverse("investment:project_contact", args=[lead.pk]))
    assert (moved.status_code, shown.status_code) == (302, 302)
    assert moved["Location"].startswith(reverse("core:login"))
    lead.refresh_from_db()
    assert (lead.stage, lead.version) == (Stage.LEAD, 1)
    assert audit_since(mark) == []


# --- the kanban -----------------------------------------------------------------------------


@pytest.mark.parametrize("username", READERS)
def test_readers_see_every_column_with_its_count_and_sums(as_user, username):
    response = as_user(username).get(reverse("investment:kanban"))
    assert response.status_code == 200
    assert columns_of(response) == DEMO_COLUMNS
    html = response.content.decode()
    assert 'data-column="negotiating" data-count="2" data-contract="128000' in html
    # The sums as shown: 亿元 through core.numbers.
    assert (
        '<span class="text-body fw-semibold" data-testid="column-contract">1.28 billion yuan'
        in (html)
    )
    negotiating = response.context["columns"][1]
    assert [c.name for c in negotiating.cards] == [
        "海衢供应链管理总部项目",
        NEGOTIATING,
    ]


@pytest.mark.parametrize("username", OTHER_DEPARTMENTS)
def test_other_departments_see_an_empty_board(as_user, username):
    response = as_user(username).get(reverse("investment:kanban"))
    assert response.status_code == 200
    assert {s: c[0] for s, c in columns_of(response).items()} == dict.fromkeys(DEMO_COLUMNS, 0)
    assert NEGOTIATING not in response.content.decode()


@pytest.mark.parametrize("username", SEPARATED)
@pytest.mark.parametrize("name", ["kanban", "project_list", "key_projects", "talent", "awards"])
def test_the_three_administrators_are_refused(as_user, username, name):
    assert as_user(username).get(reverse(f"investment:{name}")).status_code == 403


def test_only_editors_get_draggable_cards_and_move_boxes(as_user):
    editor = as_user("investment").get(reverse("investment:kanban")).content.decode()
    leader = as_user("leader").get(reverse("investment:kanban")).content.decode()
    pk = project(NEGOTIATING).pk
    assert f'data-project="{pk}"' in editor
    assert f'data-project="{pk}"' in leader
    # Operating and dropped projects move no more; a column shows its first 40 cards.
    assert editor.count('draggable="true"') == 3 + 2 + 37 + 17 + 40
    assert editor.count('data-testid="move-open"') == 99
    assert 'draggable="true"' not in leader
    assert 'data-testid="move-open"' not in leader


def test_the_kanban_is_filtered_and_its_sums_follow(as_user, seeded):
    response = as_user("investment").get(reverse("investment:kanban"), {"key_level": "city"})
    assert {s: c[0] for s, c in columns_of(response).items() if c[0]} == {
        "under_construction": 12,
        "operating": 3,
    }
    bad = as_user("investment").get(reverse("investment:kanban"), {"signed_in": "2017-13"})
    assert bad.context["filter"].errors["signed_in"]
    assert sum(c[0] for c in columns_of(bad).values()) == 0


def _more_projects(make, n: int) -> None:
    """``n`` projects of 招商局, spread over the stages, each with its own investor."""
    plans = [
        [],
        [MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1))],
        [
            MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1)),
            MoveSpec(Stage.SIGNED, date(2017, 3, 1), "协议"),
        ],
    ]
    for i in range(n):
        make.project(contract_investment=100 + i, total_investment=200 + i, moves=plans[i % 3])


@pytest.mark.parametrize("name", ["kanban", "project_list"])
def test_the_kanban_and_the_list_take_queries_that_do_not_grow(
    as_user, make, django_assert_max_num_queries, name
):
    client = as_user("investment")
    url = reverse(f"investment:{name}")
    client.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _more_projects(make, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    total = (
        sum(c[0] for c in columns_of(response).values())
        if name == "kanban"
        else (response.context["total_count"])
    )
    assert total == 135 + 15


# --- the list -------------------------------------------------------------------------------


def test_the_list_filters_the_signed_projects_of_a_window(as_user):
    response = as_user("leader").get(
        reverse("investment:project_list"), {"signed_in": "2017-01/2017-09"}
    )
    assert response.status_code == 200
    assert response.context["total_count"] == 50
    assert response.context["total_contract"] == Decimal("1920000")
    assert len(response.context["projects"]) == 50
    assert "50 projects; contracted investment 19.2 billion yuan" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"stage": "negotiating"}, 2),
        ({"key_level": "city"}, 15),
        ({"started_in": "2017-01/2017-09"}, 35),
        ({"started_in": "2016-01/2016-09"}, 35),
        ({"started_in": "2018"}, 0),
        ({"q": "凯旺"}, 2),
        ({"light_asset": "true", "signed_in": "2017"}, 42),
    ],
)
def test_the_list_filters(as_user, params, count):
    response = as_user("investment").get(reverse("investment:project_list"), params)
    assert response.context["total_count"] == count


def test_the_list_filters_by_industry_and_department(as_user, seeded):
    c38 = Industry.objects.get(code="C38")
    expected = Project.objects.filter(industry__code__startswith="C38").count()
    response = as_user("investment").get(reverse("investment:project_list"), {"industry": c38.pk})
    assert response.context["total_count"] == expected > 0
    response = as_user("leader").get(
        reverse("investment:project_list"), {"department": seeded.departments["economy"].pk}
    )
    assert response.context["total_count"] == 0


def test_a_bad_period_is_an_error_and_lists_nothing(as_user):
    response = as_user("investment").get(
        reverse("investment:project_list"), {"signed_in": "2017-01/2016-09"}
    )
    assert response.status_code == 200
    assert response.context["filter"].errors["signed_in"]
    assert list(response.context["projects"]) == []


def test_the_list_is_paginated(as_user):
    first = as_user("investment").get(reverse("investment:project_list"))
    last = as_user("investment").get(reverse("investment:project_list"), {"page": 3})
    assert (len(first.context["projects"]), len(last.context["projects"])) == (50, 35)
    assert first.context["page_obj"].paginator.num_pages == 3


@pytest.mark.parametrize("username", OTHER_DEPARTMENTS)
def test_other_departments_list_nothing_of_the_bureau(as_user, username):
    response = as_user(username).get(reverse("investment:project_list"))
    assert response.status_code == 200
    assert response.context["total_count"] == 0


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


# --- a new project and duplicates -----------------------------------------------------------


def _new(client, **data):
    payload = {
        "investor_name": "新晟新材料有限公司",
        "investor_code": "",
        "name": "新晟石墨烯材料项目",
        "source": "event",
        "department": Project.objects.first().department_id,
        "org_unit": Project.objects.first().org_unit_id,
        "capital": "domestic",
        "key_level": "none",
        "first_contact_on": "2017-09-01",
    }
    payload.update(data)
    return client.post(reverse("investment:project_create"), payload)


def test_an_editor_enters_a_lead_with_a_new_investor(as_user):
    from kaifaqu.enterprises.validators import make_credit_code

    code = make_credit_code("9", "1", "371400", "XJ000001")
    response = _new(as_user("investment"), investor_code=code.lower(), phone="0534-1234567")
    p = Project.objects.get(name="新晟石墨烯材料项目")
    assert response.status_code == 302
    assert response["Location"] == page_url(p)
    assert (p.stage, p.first_contact_on, p.investor.credit_code, p.investor.phone) == (
        Stage.LEAD,
        date(2017, 9, 1),
        code,
        "0534-1234567",
    )


def test_a_bad_credit_code_is_refused_on_the_form(as_user):
    response = _new(as_user("investment"), investor_code="91371400XJ0000010X")
    assert response.status_code == 200
    assert response.context["form"].errors["investor_code"]
    assert not Project.objects.filter(name="新晟石墨烯材料项目").exists()


def test_a_duplicate_is_stopped_with_its_matches_and_nothing_is_entered(as_user):
    existing = project(LEAD)
    enterprises = Enterprise.objects.count()
    client = as_user("investment")
    response = _new(
        client,
        investor_name="随便写的名字",
        investor_code=existing.investor.credit_code,
        name="另一个名字的项目",
    )
    assert response.status_code == 200
    assert [(m.project.pk, m.reason) for m in response.context["matches"]] == [
        (existing.pk, "credit_code")
    ]
    html = response.content.decode()
    assert f'href="{page_url(existing)}"' in html
    assert 'data-testid="duplicates"' in html
    assert not Project.objects.filter(name="另一个名字的项目").exists()
    assert Enterprise.objects.count() == enterprises

    # An investor written a little differently, with a project of a similar name: stopped too,
    # and the investor entered on the way is not kept.
    similar = _new(client, investor_name="天康孵化器管理 有限公司", name="天康众创空间项目")
    assert [(m.project.pk, m.reason) for m in similar.context["matches"]] == [
        (existing.pk, "similar_name")
    ]
    assert Enterprise.objects.count() == enterprises

    # Confirmed as a different project, it is entered.
    confirmed = _new(
        client,
        investor_name="随便写的名字",
        investor_code=existing.investor.credit_code,
        name="另一个名字的项目",
        confirm_different="on",
    )
    assert confirmed.status_code == 302
    assert Project.objects.get(name="另一个名字的项目").investor == existing.investor


@pytest.mark.parametrize(("username", "status"), [("leader", 403), ("finance", 403)])
def test_readers_who_edit_nothing_cannot_enter_projects(as_user, username, status):
    assert as_user(username).get(reverse("investment:project_create")).status_code == status
    assert _new(as_user(username)).status_code == status


def test_an_editor_of_another_department_cannot_enter_one_for_the_bureau(as_user, seeded):
    client = as_user("economy")
    form = client.get(reverse("investment:project_create")).context["form"]
    assert list(form.fields["department"].queryset) == [seeded.departments["economy"]]
    response = _new(client, department=seeded.departments["investment"].pk)
    assert response.context["form"].errors["department"]
    assert not Project.objects.filter(name="新晟石墨烯材料项目").exists()


# --- merging --------------------------------------------------------------------------------


def test_merging_keeps_both_histories_and_follow_ups(as_user, make):
    keep = make.project("鑫源电池项目", moves=[MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1))])
    other = make.project("鑫源电池一期项目", first_contact_on=date(2017, 1, 9))
    services.followup_create(
        actor=None, project=other, kind="call", on=date(2017, 1, 10), note="电话"
    )
    client = as_user("investment")
    url = reverse("investment:project_merge", args=[keep.pk])
    compare = client.get(url, {"other": other.pk})
    assert compare.context["other"] == other
    unconfirmed = client.post(url, {"other": other.pk})
    assert unconfirmed.context["form"].errors["confirm"] == ["Tick the box to confirm the merge."]
    response = client.post(url, {"other": other.pk, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == page_url(keep)
    other.refresh_from_db()
    assert other.merged_into == keep
    page = client.get(page_url(keep))
    assert [e.kind for e in page.context["timeline"]] == ["move", "move", "follow_up", "move"]
    assert [m.pk for m in page.context["merged"]] == [other.pk]
    merged_page = client.get(page_url(other))
    assert merged_page.context["editable"] is False
    assert 'data-testid="merged-into"' in merged_page.content.decode()


def test_merging_the_record_further_along_into_a_lead_is_refused(as_user, make):
    keep = make.project("鑫源电池项目")
    other = make.project("鑫源电池一期项目", moves=[MoveSpec(Stage.NEGOTIATING, date(2017, 2, 1))])
    response = as_user("investment").post(
        reverse("investment:project_merge", args=[keep.pk]), {"other": other.pk, "confirm": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Keep the record that is further along: 鑫源电池一期项目 is Negotiating, 鑫源电池项目 is "
        "Lead."
    ]
    other.refresh_from_db()
    assert other.merged_into is None


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


# --- key projects ---------------------------------------------------------------------------


def test_the_key_projects_page_reproduces_the_seed(as_user):
    response = as_user("leader").get(reverse("investment:key_projects"))
    assert response.context["year"] == 2017
    assert len(response.context["rows"]) == 12
    assert (response.context["plan_total"], response.context["completed_total"]) == (
        Decimal("490800"),
        Decimal("392600"),
    )
    html = response.content.decode()
    assert '<td class="text-end" data-testid="plan-total">4.908 billion yuan</td>' in html
    assert '<td class="text-end" data-testid="progress-total">80.0%</td>' in html
    # Leaders read the open problems and mark none solved.
    assert len(response.context["issues"]) == 4
    assert "issue_resolve" not in html
    assert "Solved</button>" not in html


def test_a_key_projects_plan_report_and_problem_are_entered_and_solved(as_user, seeded):
    p = Project.objects.filter(key_level="city").order_by("name").first()
    client = as_user("investment")
    plan = client.post(
        reverse("investment:plan_save", args=[p.pk]), {"year": 2018, "annual_plan": "30000"}
    )
    assert plan.status_code == 302
    assert KeyProjectPlan.objects.get(project=p, year=2018).annual_plan == Decimal("30000")
    report = client.post(
        reverse("investment:report_save", args=[p.pk]),
        {
            "month": "2017-10",
            "completed_investment": "1500",
            "image_progress": "主体封顶",
            "issue_kind": "approvals",
            "issue_description": "施工许可待办",
            "issue_department": seeded.departments["construction"].pk,
            "issue_due_on": "2017-11-15",
        },
    )
    assert report.status_code == 302
    saved = ProgressReport.objects.get(project=p, month="2017-10")
    (issue,) = saved.issues.all()
    assert (issue.kind, issue.responsible_department.code) == ("approvals", "construction")
    half = client.post(
        reverse("investment:report_save", args=[p.pk]),
        {
            "month": "2017-11",
            "completed_investment": "100",
            "issue_kind": "funds",
        },
    )
    assert half.context["report_form"].non_field_errors() == [
        "A problem needs its description, who must solve it and by when."
    ]
    bad_month = client.post(
        reverse("investment:report_save", args=[p.pk]),
        {
            "month": "2017Q4",
            "completed_investment": "100",
        },
    )
    assert bad_month.context["report_form"].errors["month"] == [
        "A progress report is for one month, as 2017-08."
    ]
    added = client.post(
        reverse("investment:issue_add", args=[p.pk]),
        {
            "report": saved.pk,
            "kind": "land",
            "description": "用地指标",
            "responsible_department": seeded.departments["investment"].pk,
            "due_on": "2017-12-01",
        },
    )
    assert added.status_code == 302
    assert saved.issues.count() == 2
    solved = client.post(
        reverse("investment:issue_resolve", args=[issue.pk]), {"resolved_on": "2017-11-10"}
    )
    assert solved.status_code == 302
    issue.refresh_from_db()
    assert (issue.resolved, issue.resolved_on) == (True, date(2017, 11, 10))
    assert (
        as_user("leader")
        .post(reverse("investment:plan_save", args=[p.pk]), {"year": 2019, "annual_plan": "1"})
        .status_code
        == 403
    )


def test_the_plans_of_a_project_that_is_not_key_are_refused(as_user):
    p = project(NEGOTIATING)
    response = as_user("investment").post(
        reverse("investment:plan_save", args=[p.pk]), {"year": 2017, "annual_plan": "100"}
    )
    assert response.status_code == 200
    assert response.context["plan_form"].non_field_errors() == [
        "Plans and progress reports are kept for key projects only."
    ]


def test_a_problem_is_solved_by_the_department_that_must_solve_it(as_user, seeded):
    p = Project.objects.filter(key_level="city").order_by("name").first()
    report = ProgressReport.objects.filter(project=p).first()
    issue = services.progress_issue_add(
        actor=None,
        report=report,
        kind="funds",
        description="配套资金",
        responsible_department=seeded.departments["economy"],
        due_on=date(2017, 12, 1),
    )
    client = as_user("economy")
    page = client.get(reverse("investment:key_projects"))
    assert [i.pk for i in page.context["issues"] if i.may_resolve] == [issue.pk]
    response = client.post(
        reverse("investment:issue_resolve", args=[issue.pk]),
        {
            "resolved_on": "2017-11-20",
            "next": reverse("investment:key_projects"),
        },
    )
    assert response["Location"] == reverse("investment:key_projects")
    issue.refresh_from_db()
    assert issue.resolved
    other = ProgressIssue.objects.filter(resolved=False).exclude(pk=issue.pk).first()
    assert (
        client.post(
            reverse("investment:issue_resolve", args=[other.pk]), {"resolved_on": "2017-11-20"}
        ).status_code
        == 403
    )


# --- talent ---------------------------------------------------------------------------------


def test_the_talent_page_counts_per_programme(as_user):
    response = as_user("leader").get(reverse("investment:talent"))
    assert response.context["period"] == "2017"
    counts = {c.programme.code: (c.selected, c.shortlisted) for c in response.context["counts"]}
    assert counts == {
        "anlan": (16, 0),
        "taishan": (0, 1),
        "western_uplift": (2, 0),
        "qilu_chief_technician": (1, 0),
    }
    bad = as_user("leader").get(reverse("investment:talent"), {"period": "2017-00"})
    assert bad.context["form"].errors["period"]
    assert bad.context["counts"] == []


def test_the_awards_of_a_programme_and_year_with_their_subsidies(as_user):
    response = as_user("investment").get(
        reverse("investment:awards"), {"programme": "anlan", "year": "2017"}
    )
    assert len(response.context["awards"]) == 16
    assert (response.context["selected"], response.context["subsidy_total"]) == (
        16,
        Decimal("382.4"),
    )
    assert "16 people selected; subsidies paid 3.824 million yuan." in response.content.decode()


def test_an_award_and_its_subsidy_are_entered(as_user, seeded):
    client = as_user("investment")
    anlan = TalentProgramme.objects.get(code="anlan")
    response = client.post(
        reverse("investment:award_create"),
        {
            "person_name": "钱某",
            "programme": anlan.pk,
            "year": 2017,
            "announced_on": "2017-05-26",
            "status": "selected",
            "org_unit": seeded.units["371471101"].pk,
            "department": seeded.departments["investment"].pk,
        },
    )
    assert response.status_code == 302
    award = TalentAward.objects.get(person_name="钱某")
    subsidy = client.post(
        reverse("investment:subsidy_add", args=[award.pk]),
        {
            "paid_on": "2017-04-01",
            "amount": "20",
        },
    )
    assert subsidy.context["subsidy_form"].errors["paid_on"] == [
        "A subsidy is paid after the selection (2017-05-26)."
    ]
    assert (
        client.post(
            reverse("investment:subsidy_add", args=[award.pk]),
            {
                "paid_on": "2017-08-01",
                "amount": "20",
            },
        ).status_code
        == 302
    )
    assert TalentSubsidy.objects.get(award=award).amount == Decimal("20")
    assert (
        as_user("finance").get(reverse("investment:award_detail", args=[award.pk])).status_code
        == 403
    )
    assert (
        as_user("leader").get(reverse("investment:award_detail", args=[award.pk])).status_code
        == 200
    )
    assert (
        as_user("leader")
        .post(
            reverse("investment:subsidy_add", args=[award.pk]),
            {
                "paid_on": "2017-08-02",
                "amount": "1",
            },
        )
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("username", "status"), [("admin", 200), ("investment", 403), ("leader", 403)]
)
def test_only_a_zone_administrator_adds_programmes(as_user, username, status):
    assert as_user(username).get(reverse("investment:programme_create")).status_code == status


def test_a_zone_administrator_adds_a_programme(as_user):
    response = as_user("admin").post(
        reverse("investment:programme_create"),
        {
            "code": "dezhou_craftsman",
            "name": "德州工匠",
            "level": "city",
        },
    )
    assert response.status_code == 302
    assert TalentProgramme.objects.get(code="dezhou_craftsman").name == "德州工匠"
