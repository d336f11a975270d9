"""The public consultation pages (issue 5): the form, for everyone, with its personal-data
notice and a honeypot people never see; a submission lands once and opens a personal space
whose sign-in link is shown once (the demo's setting) and never put in the done page's URL;
refusals (markup, no consent, a file too large, a filled honeypot) store nothing and say why;
past the rate limit the answer is 429. Signing in by link works once; a spent or unknown link
offers a new one, with the same answer whoever asks."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kaifaqu.consultations.models import Consultation, SignInLink, Visitor
from kaifaqu.consultations.views.public import DONE_KEY
from kaifaqu.core.testing import disk_full_on_write, in_english

from . import test_views_support as support
from .test_views_support import (
    PNG,
    STAFF,
    count,
)

# The shared fixtures, under the names the tests ask for.
asked = support.asked

ASK = "/consult/"
FORM = {
    "category": "industry_support",
    "question": "What support is there for a photovoltaic module plant?",
    "name": "李明",
    "organisation": "光耀科技有限公司",
    "phone": "13800001111",
    "email": "",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def anon(demo, media) -> Client:
    return in_english(Client(REMOTE_ADDR="10.1.2.3"))


def post(client: Client, **changes):
    data = {**FORM, **changes}
    return client.post(ASK, {k: v for k, v in data.items() if v is not None})


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_the_urls_are_the_contracts():
    assert reverse("consultations:ask") == ASK
    assert reverse("consultations:asked") == "/consult/done/"
    assert reverse("consultations:sign_in", args=["abc"]) == "/space/sign-in/abc/"
    assert reverse("consultations:space") == "/space/"


@pytest.mark.parametrize("username", [None, *STAFF])
def test_everyone_may_open_the_form(client, demo, username):
    if username:
        client.force_login(demo.users[username])
    assert in_english(client).get(ASK).status_code == 200


def test_the_form_preselects_the_category_and_shows_the_notice_and_hides_the_honeypot(
    anon, settings
):
    settings.KAIFAQU_ANONYMISE_AFTER_DAYS = 365
    response = anon.get(ASK, {"category": "land_buildings"})
    html = response.content.decode()
    assert response.context["form"].initial["category"] == "land_buildings"
    assert '<option value="land_buildings" selected>' in html
    notice = html[html.index('data-testid="privacy-notice"') :]
    assert "365 days after your last activity" in notice
    # Who handles the data: the zone's investment promotion bureau.
    assert "Investment Promotion Bureau" in notice
    assert "personal space" in notice  # how to delete it
    honeypot = re.search(r"<input[^>]*name=\"website\"[^>]*>", html).group(0)
    for attr in ('tabindex="-1"', 'aria-hidden="true"', 'autocomplete="off"', "consult-hp"):
        assert attr in honeypot
    assert ".consult-hp{position:absolute!important;left:-10000px" in html


def test_an_unknown_category_preselects_nothing(anon):
    assert "category" not in anon.get(ASK, {"category": "bogus"}).context["form"].initial


def test_a_submission_opens_a_space_and_shows_the_link_once(anon):
    before = count()
    response = post(anon)
    assert response.status_code == 302
    assert response["Location"] == "/consult/done/"
    assert count() == before + 1
    consultation = Consultation.objects.latest("pk")
    assert (consultation.name, consultation.phone, consultation.channel) == (
        "李明",
        "13800001111",
        "web",
    )
    # The site's default language, to read the seed's wording.
    del anon.cookies[settings.LANGUAGE_COOKIE_NAME]
    done = anon.get("/consult/done/")
    html = done.content.decode()
    assert done.context["consultation"] == consultation
    assert 'data-testid="space-created"' in html
    assert "已为您免费生成了个人网上空间,快去查看吧" in html
    assert consultation.number in html
    link = done.context["sign_in_url"]
    assert link.startswith("/space/sign-in/")
    assert f'href="{link}"' in html
    assert "token" not in anon.session[DONE_KEY]  # one-shot
    again = anon.get("/consult/done/")
    assert again.context["sign_in_url"] == ""
    assert link not in again.content.decode()
    assert 'data-testid="link-sent"' in again.content.decode()
    assert "138****1111" in again.content.decode()


def test_the_link_is_not_shown_where_the_setting_says_so(anon, settings):
    settings.KAIFAQU_SHOW_SIGN_IN_LINKS = False
    post(anon)
    done = anon.get("/consult/done/")
    assert done.context["sign_in_url"] == ""
    assert "/space/sign-in/" not in done.content.decode()
    assert "138****1111" in done.content.decode()


def test_a_second_question_from_the_same_phone_goes_to_the_same_space(anon):
    post(anon)
    post(anon, question="And the land price?")
    done = anon.get("/consult/done/")
    assert 'data-testid="space-added"' in done.content.decode()
    assert Visitor.objects.filter(phone="13800001111").count() == 1


def test_the_done_page_without_a_submission_goes_back_to_the_form(anon):
    response = anon.get("/consult/done/")
    assert (response.status_code, response["Location"]) == (302, ASK)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": None}, None, None),
        (
            {"question": "Hello <script>alert(1)</script>"},
            "question",
            "Please write plain text: markup is not accepted.",
        ),
        ({"phone": ""}, None, None),
        ({"name": ""}, "name", "required"),
    ],
)
def test_a_refused_submission_stores_nothing_and_says_why(anon, changes, field, message):
    before = (count(), Visitor.objects.count(), SignInLink.objects.count())
    response = post(anon, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if field and message == "required":
        assert form.has_error(field, "required")
    elif field:
        assert message in field_errors(response, field)
    assert (count(), Visitor.objects.count(), SignInLink.objects.count()) == before
    assert "is-invalid" in response.content.decode() or form.non_field_errors()


def test_a_file_too_large_is_refused_and_nothing_is_stored(anon, settings):
    settings.KAIFAQU_CONSULT_MAX_FILE_MB = 1
    big = SimpleUploadedFile("plan.png", PNG + b"\x00" * (1024 * 1024), "image/png")
    before = count()
    response = post(anon, files=big)
    assert response.status_code == 200
    assert any("larger than" in e for e in field_errors(response, "files"))
    assert count() == before


def test_a_full_disk_answers_a_clear_page_and_stores_nothing(demo, media):
    visitor = Client(REMOTE_ADDR="10.1.2.4", raise_request_exception=False)
    before = count()

    with disk_full_on_write():
        response = post(visitor, files=SimpleUploadedFile("site.png", PNG, "image/png"))

    assert response.status_code == 503
    assert "服务器磁盘已满：未保存或导出任何内容。请告知系统管理员后重试。" in (
        response.content.decode()
    )
    assert count() == before
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_files_come_along_with_the_question(anon):
    files = [
        SimpleUploadedFile("site.png", PNG, "image/png"),
        SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%test\n", "application/pdf"),
    ]
    assert post(anon, files=files).status_code == 302
    consultation = Consultation.objects.latest("pk")
    assert sorted(consultation.attachments.values_list("name", flat=True)) == [
        "plan.pdf",
        "site.png",
    ]


def test_a_filled_honeypot_stores_nothing(anon):
    before = count()
    response = post(anon, website="http://spam.example")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert count() == before


def test_past_the_rate_limit_the_answer_is_429_and_nothing_is_stored(anon, settings):
    settings.KAIFAQU_CONSULT_RATE_PER_IP = "2/3600"
    for i in range(2):
        assert post(anon, phone=f"1380000111{i}").status_code == 302
    before = count()
    refused = post(anon, phone="13800001119")
    assert refused.status_code == 429
    assert refused.context["form"].errors
    assert 'data-testid="ask-form"' in refused.content.decode()
    assert count() == before


# --- signing in by link ----------------------------------------------------------------------


def sign_in_url(submission) -> str:
    return reverse("consultations:sign_in", args=[submission.sign_in_token])


def test_a_link_signs_the_visitor_in_once(anon, asked):
    url = sign_in_url(asked)
    page = anon.get(url)
    assert page.status_code == 200
    assert 'data-testid="sign-in"' in page.content.decode()
    assert "_auth_user_id" not in anon.session  # opening the link spends nothing
    response = anon.post(url)
    assert (response.status_code, response["Location"]) == (302, "/space/")
    assert anon.session["_auth_user_id"] == str(asked.visitor.user_id)
    assert anon.get("/space/").status_code == 200
    fresh = in_english(Client())
    spent = fresh.post(url)
    assert spent.status_code == 410
    assert 'data-testid="link-invalid"' in spent.content.decode()
    assert "_auth_user_id" not in fresh.session


def test_an_unknown_link_offers_a_new_one(anon):
    response = anon.post(reverse("consultations:sign_in", args=["x" * 43]))
    assert response.status_code == 410
    assert 'name="contact"' in response.content.decode()


def test_asking_for_a_new_link_answers_the_same_whoever_asks(anon, asked):
    url = reverse("consultations:sign_in_request")
    known = anon.post(url, {"contact": "13912345678"})
    unknown = anon.post(url, {"contact": "13700000000"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["sent"] is unknown.context["sent"] is True
    strip = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens
    assert strip.sub("", known.content.decode()) == strip.sub("", unknown.content.decode())


def test_only_accepted_consultations_use_up_the_limit_and_429_says_when(anon, settings):
    import time_machine

    settings.KAIFAQU_CONSULT_RATE_PER_IP = "2/3600"
    with time_machine.travel("2026-03-02 10:20:00+00:00", tick=False):
        # Invalid and refused submissions do not count.
        for _ in range(5):
            assert post(anon, consent=None).status_code == 200
        for i in range(2):
            assert post(anon, phone=f"1380000111{i}").status_code == 302
        refused = post(anon, phone="13800001119")
        assert refused.status_code == 429
        # The window is the hour 10:00-11:00: 40 minutes to go.
        assert refused["Retry-After"] == "2400"
    with time_machine.travel("2026-03-02 11:00:00+00:00", tick=False):
        assert post(anon, phone="13800001119").status_code == 302
