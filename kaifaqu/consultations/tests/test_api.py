"""The consultations API of the mini-program: submit, sign in with the link's token, follow
one's own consultations and reply."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from kaifaqu.consultations import services
from kaifaqu.consultations.models import Channel, Consultation, Visitor
from kaifaqu.core.versioning import CURRENT

URL = "/api/v1/consultations/"
FORM = {
    "category": "land_buildings",
    "question": "有没有50亩左右的工业用地？",
    "name": "赵六",
    "organisation": "接口测试有限公司",
    "phone": "13812340000",
    "consent": True,
}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def client(address="10.1.0.1") -> APIClient:
    return APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_an_anonymous_submission_answers_its_number_and_the_sign_in_url(demo):
    response = client().post(URL, FORM, format="json")
    assert response.status_code == 201
    body = response.json()
    c = Consultation.objects.get(number=body["number"])
    assert (c.channel, body["status"], body["account_created"]) == (Channel.API, "new", True)
    assert body["sign_in_url"].startswith("http://testserver/space/sign-in/")


def test_production_says_the_link_was_sent_and_shows_none(demo, settings):
    settings.KAIFAQU_SHOW_SIGN_IN_LINKS = False
    body = client().post(URL, FORM, format="json").json()
    assert body["sign_in_url"] is None
    # The API speaks the site's language: Chinese unless the client picks English.
    assert body["message"] == "已为您免费生成了个人网上空间，登录链接已发送给您。"


def test_field_errors_are_400_by_field_and_store_nothing(demo):
    before = Consultation.objects.count()
    response = client().post(
        URL, {**FORM, "question": "<script>x</script>", "consent": False}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "question": ["请填写纯文本：不接受标记代码（如 HTML 标签、脚本链接）。"],
        "consent": ["请同意我们处理您的个人信息，否则无法答复您的咨询。"],
    }
    assert Consultation.objects.count() == before


def test_past_the_limit_the_answer_is_429_with_retry_after(demo, settings):
    settings.KAIFAQU_CONSULT_RATE_PER_IP = "1/3600"
    assert client().post(URL, FORM, format="json").status_code == 201
    response = client().post(URL, {**FORM, "phone": "13812340001"}, format="json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.json()["code"] == "rate_limited"
    assert "400-168-6016" in response.json()["detail"]


def test_a_file_goes_up_as_multipart(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("site.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    response = client().post(URL, {**FORM, "files": [png]}, format="multipart")
    assert response.status_code == 201
    c = Consultation.objects.get(number=response.json()["number"])
    assert [a.name for a in c.attachments.all()] == ["site.png"]


def _signed_in(demo) -> tuple[APIClient, Consultation]:
    result = services.consultation_submit(**{**FORM, "consent": True}, client_address="10.1.0.9")
    api = client()
    token = api.post(f"{URL}sign-in/", {"token": result.sign_in_token}, format="json")
    assert token.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return api, result.consultation


def test_a_sign_in_token_becomes_an_api_token_once(demo):
    result = services.consultation_submit(**FORM, client_address="10.1.0.9")
    first = client().post(f"{URL}sign-in/", {"token": result.sign_in_token}, format="json")
    again = client().post(f"{URL}sign-in/", {"token": result.sign_in_token}, format="json")
    assert first.status_code == 200
    assert len(first.json()["token"]) == 40
    assert again.status_code == 400


def test_a_visitor_lists_reads_and_replies_to_their_own(demo):
    api, c = _signed_in(demo)
    services.consultation_reply(
        version=CURRENT, actor=demo.investment, consultation=c, body="您好，有的。"
    )
    listed = api.get(f"{URL}mine/").json()
    assert [row["number"] for row in listed["results"]] == [c.number]
    detail = api.get(f"{URL}mine/{c.pk}/").json()
    assert [(m["from_staff"], m["body"]) for m in detail["messages"]] == [(True, "您好，有的。")]
    reply = api.post(f"{URL}mine/{c.pk}/reply/", {"body": "谢谢，想约时间看地。"}, format="json")
    assert reply.status_code == 201
    assert reply.json()["from_staff"] is False
    assert Consultation.objects.get(pk=c.pk).status == "visitor_replied"


def test_others_consultations_are_404_and_staff_are_403(demo, api):
    visitors = Visitor.objects.count()
    visitor_api, _c = _signed_in(demo)
    other = services.consultation_submit(
        **{**FORM, "phone": "13900001111"}, client_address="1.1.1.1"
    )
    assert visitor_api.get(f"{URL}mine/{other.consultation.pk}/").status_code == 404
    assert (
        visitor_api.post(
            f"{URL}mine/{other.consultation.pk}/reply/", {"body": "x"}, format="json"
        ).status_code
        == 404
    )
    assert api("investment").get(f"{URL}mine/").status_code == 403
    assert client().get(f"{URL}mine/").status_code in (401, 403)
    assert Visitor.objects.count() == visitors + 2
