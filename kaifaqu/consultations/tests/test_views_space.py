"""The personal space (issue 5): only its visitor enters (staff 403, anonymous people sent to
the form with a word on links); it lists their consultations, shows each conversation with
the bureau's replies and their files (served only to them), takes their replies and files,
their contact details, deleting their data, signing out. Text is shown escaped."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kaifaqu.consultations import services
from kaifaqu.consultations.models import Consultation, Message, Status, Visitor
from kaifaqu.core.testing import in_english, messages_of
from kaifaqu.core.versioning import CURRENT

from . import test_views_support as support
from .test_views_support import (
    PNG,
    STAFF,
    TRICKY,
    TRICKY_ESCAPED,
    submit,
)

# The shared fixtures, under the names the tests ask for.
asked = support.asked
visitor_client = support.visitor_client

SPACE_PAGES = [
    ("space", False),
    ("space_consultation", True),
    ("space_contact", False),
    ("space_delete", False),
]


def url(name: str, submission=None) -> str:
    args = [submission.consultation.pk] if submission is not None else []
    return reverse(f"consultations:{name}", args=args)


@pytest.mark.parametrize(("name", "with_pk"), SPACE_PAGES)
def test_anonymous_people_are_sent_to_the_form_with_a_word_on_links(asked, name, with_pk):
    client = in_english(Client())
    response = client.get(url(name, asked if with_pk else None))
    assert (response.status_code, response["Location"]) == (302, "/consult/")
    assert "sign-in link" in messages_of(response)[0]


@pytest.mark.parametrize("username", STAFF)
@pytest.mark.parametrize(("name", "with_pk"), SPACE_PAGES)
def test_staff_are_refused_the_space(client, demo, asked, username, name, with_pk):
    client.force_login(demo.users[username])
    assert client.get(url(name, asked if with_pk else None)).status_code == 403


@pytest.mark.parametrize(("name", "with_pk"), SPACE_PAGES)
def test_the_visitor_opens_each_page_of_their_space(visitor_client, asked, name, with_pk):
    assert visitor_client.get(url(name, asked if with_pk else None)).status_code == 200


def test_the_space_lists_the_visitors_consultations_and_the_last_reply(visitor_client, asked, demo):
    services.consultation_reply(
        version=CURRENT,
        actor=demo.users["investment"],
        consultation=asked.consultation,
        body="Yes, plot A-12.",
    )
    second = submit(question="And the rent of a workshop?")
    response = visitor_client.get("/space/")
    rows = list(response.context["consultations"])
    assert [c.number for c in rows] == [second.consultation.number, asked.consultation.number]
    replied = rows[1]
    assert replied.status == Status.REPLIED
    assert replied.last_reply_at is not None
    html = response.content.decode()
    assert f'data-consultation="{asked.consultation.number}"' in html
    assert 'data-status="replied"' in html


def test_another_visitors_consultation_is_not_found(visitor_client, asked):
    other = submit(phone="13700000001", name="赵六")
    response = visitor_client.get(url("space_consultation", other))
    assert response.status_code == 404


def test_the_thread_shows_the_bureaus_reply_and_the_visitor_replies_with_a_file(
    visitor_client, asked, demo
):
    services.consultation_reply(
        version=CURRENT,
        actor=demo.users["investment"],
        consultation=asked.consultation,
        body="Plot A-12 fits.",
    )
    page = visitor_client.get(url("space_consultation", asked))
    assert "Plot A-12 fits." in page.content.decode()
    response = visitor_client.post(
        url("space_consultation", asked),
        {
            "body": "Thank you; our site plan is attached.",
            "files": SimpleUploadedFile("p.png", PNG),
        },
    )
    assert response.status_code == 302
    mine = Message.objects.filter(consultation=asked.consultation, from_staff=False).get()
    assert mine.body == "Thank you; our site plan is attached."
    assert [a.name for a in mine.attachments.all()] == ["p.png"]
    asked.consultation.refresh_from_db()
    assert asked.consultation.status == Status.VISITOR_REPLIED


def test_a_refused_reply_changes_nothing(visitor_client, asked):
    response = visitor_client.post(url("space_consultation", asked), {"body": "<b>x</b>"})
    assert response.status_code == 200
    assert (
        "Please write plain text: markup is not accepted."
        in response.context["form"].errors["body"]
    )
    assert not Message.objects.filter(consultation=asked.consultation).exists()


def test_files_are_served_only_to_their_visitor(visitor_client, asked, demo, media):
    reply = services.consultation_reply(
        version=CURRENT,
        actor=demo.users["investment"],
        consultation=asked.consultation,
        body="The plan is attached.",
        files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%x\n")],
    )
    token = reply.attachments.get().token
    file_url = reverse("consultations:space_file", args=[token])
    own = visitor_client.get(file_url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF-1.4")
    assert 'filename="plan.pdf"' in own["Content-Disposition"]
    other = Client()
    other.force_login(submit(phone="13700000002", name="钱七").visitor.user)
    assert other.get(file_url).status_code == 404
    assert "/media/" not in visitor_client.get(url("space_consultation", asked)).content.decode()


def test_text_is_escaped_in_the_space(visitor_client, demo):
    tricky = submit(question=f"Question {TRICKY}")
    services.consultation_reply(
        version=CURRENT,
        actor=demo.users["investment"],
        consultation=tricky.consultation,
        body=f"Reply {TRICKY}",
    )
    html = visitor_client.get(url("space_consultation", tricky)).content.decode()
    assert f"Question {TRICKY_ESCAPED}" in html
    assert f"Reply {TRICKY_ESCAPED}" in html
    assert TRICKY not in html


def test_the_visitor_changes_their_contact_details(visitor_client, asked):
    response = visitor_client.post(
        "/space/contact/",
        {"name": "王建国", "organisation": "星河储能", "phone": "13912345678", "email": "w@x.cn"},
    )
    assert response.status_code == 302
    visitor = Visitor.objects.get(pk=asked.visitor.pk)
    assert (visitor.organisation, visitor.email) == ("星河储能", "w@x.cn")


def test_deleting_asks_for_confirmation_then_erases_and_signs_out(visitor_client, asked):
    unconfirmed = visitor_client.post("/space/delete/", {})
    assert unconfirmed.status_code == 200
    assert Visitor.objects.filter(pk=asked.visitor.pk).exists()
    response = visitor_client.post("/space/delete/", {"confirm": "on"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert not Visitor.objects.filter(pk=asked.visitor.pk).exists()
    assert "_auth_user_id" not in visitor_client.session
    kept = Consultation.objects.get(pk=asked.consultation.pk)
    assert kept.phone == ""
    assert "13912345678" not in kept.name


def test_signing_out(visitor_client):
    assert visitor_client.get("/space/sign-out/").status_code == 405
    response = visitor_client.post("/space/sign-out/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert "_auth_user_id" not in visitor_client.session
