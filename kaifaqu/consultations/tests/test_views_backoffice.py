"""The 招商局's consultation pages (issue 5): the inbox (overdue first, filters, contacts
masked unless permitted, a query count that does not grow with the rows), a consultation's
page and its actions (reply, close, reassign, reveal the contact with an audit row, turn into
a project with the duplicate check), files served after a scope check, the hotline call log
and the routes. Readers: zone administrators, leaders, 招商局's members; changers: zone
administrators and 招商局's editors; other departments, the three administrators and
visitors are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaifaqu.consultations.models import Channel, Consultation, Message, Route, Status
from kaifaqu.core.models import AuditAction
from kaifaqu.core.testing import audit_mark, audit_since
from kaifaqu.investment.models import Project
from kaifaqu.investment.stages import Stage

from . import test_views_support as support
from .test_views_support import (
    EDITORS,
    READERS,
    REFUSED,
    TRICKY,
    TRICKY_ESCAPED,
    submit,
)

# The shared fixtures, under the names the tests ask for.
asked = support.asked
visitor_client = support.visitor_client

INBOX = "/backoffice/consultations/"
NOT_EDITORS = [u for u in READERS if u not in EDITORS]  # the leader


def detail(submission) -> str:
    return reverse("consultations:detail", args=[submission.consultation.pk])


def version_of(submission) -> int:
    """The consultation's version as stored, which its page shows."""
    return Consultation.objects.get(pk=submission.consultation.pk).version


def action(name: str, submission) -> str:
    return reverse(f"consultations:{name}", args=[submission.consultation.pk])


# --- who may open what --------------------------------------------------------------------


@pytest.mark.parametrize("page", ["inbox", "hotline", "routes", "detail"])
def test_anonymous_people_are_sent_to_log_in(client, asked, page):
    target = detail(asked) if page == "detail" else reverse(f"consultations:{page}")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize(
    ("username", "status"), [(u, 200) for u in READERS] + [(u, 403) for u in REFUSED]
)
def test_the_inbox_and_a_consultation_are_for_those_who_read_them(as_user, asked, username, status):
    client = as_user(username)
    assert client.get(INBOX).status_code == status
    assert client.get(detail(asked)).status_code == status


def test_visitors_are_refused_the_back_office(visitor_client, asked):
    assert visitor_client.get(INBOX).status_code == 403
    assert visitor_client.get(detail(asked)).status_code == 403


@pytest.mark.parametrize(
    ("username", "status"), [(u, 200) for u in EDITORS] + [(u, 403) for u in NOT_EDITORS + REFUSED]
)
@pytest.mark.parametrize("page", ["hotline", "routes"])
def test_the_hotline_log_and_the_routes_are_for_those_who_change_consultations(
    as_user, demo, page, username, status
):
    assert as_user(username).get(reverse(f"consultations:{page}")).status_code == status


@pytest.mark.parametrize("username", NOT_EDITORS + REFUSED)
@pytest.mark.parametrize("name", ["reply", "close", "reassign", "convert"])
def test_actions_are_refused_to_those_who_may_not_change(as_user, asked, username, name):
    before = (Message.objects.count(), Consultation.objects.get(pk=asked.consultation.pk).status)
    response = as_user(username).post(action(name, asked), {"body": "ok", "project_name": "x"})
    assert response.status_code == 403
    after = (Message.objects.count(), Consultation.objects.get(pk=asked.consultation.pk).status)
    assert after == before


@pytest.mark.parametrize(
    ("username", "shown"), [("admin", True), ("investment", True), ("leader", True)]
)
def test_the_navigation_offers_the_inbox_to_its_readers(as_user, username, shown):
    keys = [e.key for e in as_user(username).get(INBOX).context["nav_entries"]]
    assert ("consultations" in keys) is shown


@pytest.mark.parametrize("username", ["economy", "finance", "sysadmin"])
def test_the_navigation_hides_the_inbox_from_others(as_user, username):
    keys = [e.key for e in as_user(username).get(reverse("core:dashboard")).context["nav_entries"]]
    assert "consultations" not in keys


# --- the inbox ------------------------------------------------------------------------------


def test_overdue_consultations_come_first_with_a_badge(as_user, asked):
    late = submit(phone="13700000003", name="孙八", question="When can we visit the site?")
    Consultation.objects.filter(pk=late.consultation.pk).update(
        due_at=timezone.now() - timedelta(days=2)
    )
    response = as_user("investment").get(INBOX)
    rows = response.context["rows"]
    flags = [r.overdue for r in rows]
    assert flags == sorted(flags, reverse=True)  # every overdue one before the others
    assert late.consultation.number in [r.number for r in rows if r.overdue]
    assert asked.consultation.number in [r.number for r in rows if not r.overdue]
    html = response.content.decode()
    row = html[html.index(f'data-consultation="{late.consultation.number}"') :]
    assert row.index('data-overdue="1"') < row.index("</tr>")
    assert row.index('data-testid="overdue"') < row.index("</tr>")


def test_the_filters_select(as_user, asked):
    client = as_user("investment")
    client.post(
        reverse("consultations:hotline"),
        {
            "category": "other",
            "question": "Caller asked about schools.",
            "name": "周九",
            "phone": "13700000004",
        },
    )
    numbers = lambda **q: [c.number for c in client.get(INBOX, q).context["rows"]]  # noqa: E731
    by_channel = numbers(channel=Channel.HOTLINE)
    assert by_channel
    assert all(Consultation.objects.get(number=n).channel == Channel.HOTLINE for n in by_channel)
    assert asked.consultation.number in numbers(category="land_buildings")
    assert asked.consultation.number not in numbers(category="other")
    assert numbers(q=asked.consultation.number) == [asked.consultation.number]
    assert asked.consultation.number in numbers(status=Status.NEW)
    assert asked.consultation.number not in numbers(status=Status.CLOSED)
    assert client.get(INBOX, {"status": "bogus"}).status_code == 200


def test_contacts_are_masked_in_the_inbox_for_those_without_the_permission(as_user, asked):
    client = as_user("leader")
    mark = audit_mark()
    response = client.get(INBOX, {"q": asked.consultation.number})
    html = response.content.decode()
    assert "139****5678" in html
    assert "13912345678" not in html
    assert audit_since(mark) == []


def test_a_permitted_user_sees_the_inbox_contacts_with_one_audit_row(as_user, asked):
    client = as_user("investment")
    mark = audit_mark()
    html = client.get(INBOX, {"q": asked.consultation.number}).content.decode()
    assert "13912345678" in html
    rows = audit_since(mark)
    assert [r.action for r in rows] == [AuditAction.VIEW_SENSITIVE]


def test_the_inbox_takes_the_same_queries_for_one_row_and_for_thirty(
    as_user, demo, settings, django_assert_max_num_queries
):
    settings.KAIFAQU_CONSULT_RATE_PER_IP = "1000/3600"
    submit(organisation="批量测试公司", phone="13600000000")
    client = as_user("investment")
    with CaptureQueriesContext(connection) as one:
        first = client.get(INBOX, {"q": "批量测试公司"})
    assert len(first.context["rows"]) == 1
    for i in range(1, 30):
        submit(organisation="批量测试公司", phone=f"136000000{i:02}", client_address=f"10.9.0.{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        thirty = client.get(INBOX, {"q": "批量测试公司"})
    assert len(thirty.context["rows"]) == 30


def test_text_is_escaped_in_the_inbox_and_the_page(as_user, demo):
    tricky = submit(question=f"Question {TRICKY}", organisation=f"Org {TRICKY}")
    client = as_user("investment")
    client.post(action("reply", tricky), {"body": f"Reply {TRICKY}", "version": version_of(tricky)})
    inbox = client.get(INBOX, {"q": tricky.consultation.number}).content.decode()
    page = client.get(detail(tricky)).content.decode()
    assert f"Org {TRICKY_ESCAPED}" in inbox
    assert f"Question {TRICKY_ESCAPED}" in page
    assert f"Reply {TRICKY_ESCAPED}" in page
    assert TRICKY not in inbox + page


# --- a consultation's page ------------------------------------------------------------------


def test_the_page_shows_the_masked_contact_until_a_permitted_user_asks(as_user, asked):
    client = as_user("investment")
    mark = audit_mark()
    page = client.get(detail(asked))
    assert page.context["contact"].phone == "139****5678"
    assert 'data-testid="reveal-contact"' in page.content.decode()
    assert audit_since(mark) == []
    shown = client.post(action("contact", asked), HTTP_HX_REQUEST="true")
    html = shown.content.decode()
    assert "13912345678" in html
    assert "<html" not in html
    assert [r.action for r in audit_since(mark)] == [AuditAction.VIEW_SENSITIVE]


def test_those_without_the_permission_cannot_reveal_the_contact(as_user, asked):
    client = as_user("leader")
    assert 'data-testid="reveal-contact"' not in client.get(detail(asked)).content.decode()
    mark = audit_mark()
    assert client.post(action("contact", asked)).status_code == 403
    assert audit_since(mark) == []


def test_an_editor_replies_with_a_file_and_the_visitor_sees_it(as_user, asked, visitor_client):
    client = as_user("investment")
    response = client.post(
        action("reply", asked),
        {
            "body": "Plot A-12 has 12,000 m².",
            "version": asked.consultation.version,
            "files": SimpleUploadedFile("plot.pdf", b"%PDF-1.4\n%x\n"),
        },
    )
    assert (response.status_code, response["Location"]) == (302, detail(asked))
    reply = Message.objects.get(consultation=asked.consultation, from_staff=True)
    assert reply.body == "Plot A-12 has 12,000 m²."
    consultation = Consultation.objects.get(pk=asked.consultation.pk)
    assert consultation.status == Status.REPLIED
    assert consultation.first_replied_at is not None
    space = visitor_client.get(reverse("consultations:space_consultation", args=[consultation.pk]))
    assert "Plot A-12 has 12,000 m²." in space.content.decode()
    token = reply.attachments.get().token
    assert client.get(reverse("consultations:staff_file", args=[token])).status_code == 200


def test_an_empty_reply_is_refused_and_stores_nothing(as_user, asked):
    response = as_user("investment").post(action("reply", asked), {"body": ""})
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert (
        not Message.objects.exists()
        or not Message.objects.filter(consultation=asked.consultation).exists()
    )


@pytest.mark.parametrize(
    ("username", "status"), [("leader", 200), ("finance", 403), ("sysadmin", 403)]
)
def test_files_are_served_to_readers_only(as_user, demo, username, status):
    with_file = submit(files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%x\n")])
    token = with_file.consultation.attachments.get().token
    response = as_user(username).get(reverse("consultations:staff_file", args=[token]))
    assert response.status_code == status


def test_an_editor_closes_and_reassigns(as_user, demo, asked):
    client = as_user("investment")
    officer = demo.users["twodept"]
    response = client.post(
        action("reassign", asked), {"officer": officer.pk, "version": version_of(asked)}
    )
    assert response.status_code == 302
    assert Consultation.objects.get(pk=asked.consultation.pk).officer == officer
    refused = client.post(
        action("reassign", asked),
        {"officer": demo.users["finance"].pk, "version": version_of(asked)},
    )
    assert refused.status_code == 200  # not an editor of the 招商局: not offered
    assert Consultation.objects.get(pk=asked.consultation.pk).officer == officer
    client.post(
        action("close", asked),
        {"close-version": Consultation.objects.get(pk=asked.consultation.pk).version},
    )
    assert Consultation.objects.get(pk=asked.consultation.pk).status == Status.CLOSED


def test_a_consultation_becomes_a_project_on_the_kanban(as_user, demo, asked):
    client = as_user("investment")
    page = client.get(detail(asked))
    assert page.context["convert_form"].initial["project_name"] == "星河新能源有限公司"
    response = client.post(
        action("convert", asked),
        {
            "project_name": "星河新能源储能项目",
            "org_unit": demo.zone.pk,
            "version": version_of(asked),
        },
    )
    project = Project.objects.get(name="星河新能源储能项目")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("investment:project_detail", args=[project.pk]),
    )
    assert project.stage == Stage.LEAD
    kanban = client.get(reverse("investment:kanban"))
    assert "星河新能源储能项目" in kanban.content.decode()


def test_a_likely_duplicate_shows_the_matches_until_confirmed(as_user, demo, asked):
    client = as_user("investment")
    first = submit(phone="13700000005", name="吴十", organisation="同名公司")
    same = {"project_name": "同名项目", "org_unit": demo.zone.pk}
    client.post(action("convert", first), {**same, "version": version_of(first)})
    second = submit(phone="13700000006", name="郑一", organisation="同名公司")
    stopped = client.post(action("convert", second), {**same, "version": version_of(second)})
    assert stopped.status_code == 200
    assert stopped.context["matches"]
    assert 'data-testid="duplicates"' in stopped.content.decode()
    assert Project.objects.filter(name="同名项目").count() == 1
    confirmed = client.post(
        action("convert", second),
        {**same, "confirm_different": "on", "version": version_of(second)},
    )
    assert confirmed.status_code == 302
    assert Project.objects.filter(name="同名项目").count() == 2


# --- the hotline and the routes --------------------------------------------------------------


def test_an_editor_logs_a_hotline_call(as_user, demo):
    client = as_user("investment")
    response = client.post(
        reverse("consultations:hotline"),
        {
            "category": "enterprise_investment",
            "question": "Caller asked about tax relief.",
            "name": "冯二",
            "phone": "13700000007",
        },
    )
    call = Consultation.objects.get(phone="13700000007")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("consultations:detail", args=[call.pk]),
    )
    assert (call.channel, call.logged_by) == (Channel.HOTLINE, demo.users["investment"])


def test_a_hotline_call_without_a_name_is_refused(as_user, demo):
    before = Consultation.objects.count()
    response = as_user("investment").post(
        reverse("consultations:hotline"),
        {"category": "other", "question": "x", "phone": "13700000008"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Consultation.objects.count() == before


def test_an_editor_routes_a_category_to_an_officer(as_user, demo):
    client = as_user("investment")
    officer = demo.users["twodept"]
    response = client.post(
        reverse("consultations:routes"), {"category": "other", "officer": officer.pk}
    )
    assert response.status_code == 302
    assert Route.objects.get(category="other").officer == officer
    rows = client.get(reverse("consultations:routes")).context["rows"]
    assert [r["code"] for r in rows] == [
        "industry_support",
        "enterprise_investment",
        "land_buildings",
        "other",
    ]


# --- refusals on the page's forms ---------------------------------------------------------

STALE = (
    "Someone else saved this record while you were editing it. Reload it to see their change, "
    "then make yours again."
)


def test_a_reply_s_file_refused_by_the_service_is_shown_by_the_files_field(as_user, asked):
    response = as_user("investment").post(
        action("reply", asked),
        {
            "body": "See the file.",
            "version": asked.consultation.version,
            "files": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        },
    )
    assert (response.status_code, response.context["consultation"]) == (200, asked.consultation)
    form = response.context["reply_form"]
    assert list(form.errors) == ["files"]
    (message,) = form.errors["files"]
    assert form["body"].value() == "See the file."
    page = response.content.decode()
    assert page.index('name="files"') < page.index(f'data-error="files">{message}<')
    assert not Message.objects.filter(consultation=asked.consultation, from_staff=True).exists()


def test_a_stale_reply_answers_409_on_the_consultation_s_page(as_user, asked):
    client = as_user("investment")
    version = asked.consultation.version
    first = client.post(action("reply", asked), {"body": "First.", "version": version})
    assert first.status_code == 302
    response = client.post(action("reply", asked), {"body": "Second.", "version": version})
    assert response.status_code == 409
    assert response.context["reply_form"].non_field_errors() == [STALE]
    assert f'data-testid="form-errors"><div>{STALE}<' in response.content.decode()
    bodies = Message.objects.filter(consultation=asked.consultation, from_staff=True)
    assert list(bodies.values_list("body", flat=True)) == ["First."]


def test_a_stale_close_answers_409_and_leaves_the_consultation_open(as_user, asked):
    client = as_user("investment")
    version = asked.consultation.version
    assert (
        client.post(action("reply", asked), {"body": "A.", "version": version}).status_code == 302
    )
    response = client.post(action("close", asked), {"close-version": version})
    assert response.status_code == 409
    assert response.context["close_form"].non_field_errors() == [STALE]
    assert f'data-testid="form-errors"><div>{STALE}<' in response.content.decode()
    assert Consultation.objects.get(pk=asked.consultation.pk).status == Status.REPLIED


@pytest.mark.parametrize(("username", "status"), [(u, 200) for u in EDITORS] + [("leader", 403)])
def test_the_hotline_form_per_role(as_user, username, status):
    client = as_user(username)
    assert client.get(reverse("consultations:hotline")).status_code == status


def test_a_hotline_call_dated_in_the_future_is_refused_by_its_time_field(as_user):
    before = Consultation.objects.count()
    response = as_user("investment").post(
        reverse("consultations:hotline"),
        {
            "category": "other",
            "question": "x",
            "name": "冯三",
            "phone": "13700000009",
            "received_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    message = "The time cannot be in the future."
    assert response.context["form"].errors == {"received_at": [message]}
    page = response.content.decode()
    assert 'data-testid="form-errors"' not in page
    assert page.index('name="received_at"') < page.index(f'data-error="received_at">{message}<')
    assert Consultation.objects.count() == before
