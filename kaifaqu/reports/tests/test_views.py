"""The report pages per role: business readers read, the 经济发展局's editors and zone
administrators upload, draft and edit blocks; the 三员 are refused."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from docx import Document

from kaifaqu.reports import demo_template
from kaifaqu.reports.models import Draft, NarrativeBlock, ReportTemplate
from kaifaqu.reports.services import draft_create
from kaifaqu.stats.models import DataValue

from .conftest import PERIOD

READERS = ["admin", "leader", "economy", "investment", "finance", "twodept"]
WRITERS = ["admin", "economy"]
REFUSED = ["sysadmin", "secadmin", "auditadmin"]
GDP_URL = "/backoffice/figures/figure/?metric=gdp&amp;org=371471&amp;period=2017-01%2F2017-09"


@pytest.fixture
def draft(demo, progress):
    return draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)


def urls(progress, draft) -> list[str]:
    return [
        reverse("reports:list"),
        reverse("reports:type", args=[progress.code]),
        reverse("reports:template", args=[progress.code, 1]),
        reverse("reports:draft", args=[draft.pk]),
        reverse("reports:word", args=[draft.pk]),
    ]


@pytest.mark.parametrize("username", READERS)
def test_business_readers_read(login, progress, draft, username):
    client = login(username)
    for url in urls(progress, draft):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", REFUSED)
def test_the_three_administrators_are_refused(login, progress, draft, username):
    client = login(username)
    for url in urls(progress, draft):
        assert client.get(url).status_code == 403, url
    block = reverse("reports:block", args=[draft.pk, "opening"])
    assert client.post(block, {"text": "x", "version": 1}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, progress, draft):
    response = client.get(reverse("reports:draft", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("username", ["leader", "investment", "finance", "twodept"])
def test_readers_who_are_not_writers_cannot_draft_upload_or_edit(login, progress, draft, username):
    client = login(username)
    before = (Draft.objects.count(), ReportTemplate.objects.count(), NarrativeBlock.objects.count())
    assert (
        client.post(
            reverse("reports:draft_create", args=[progress.code]),
            {"org": "371471", "period": PERIOD},
        ).status_code
        == 403
    )
    upload = SimpleUploadedFile("t.docx", demo_template.build())
    assert (
        client.post(reverse("reports:upload", args=[progress.code]), {"file": upload}).status_code
        == 403
    )
    block = reverse("reports:block", args=[draft.pk, "opening"])
    assert client.post(block, {"text": "x", "version": 1}).status_code == 403
    assert client.post(reverse("reports:redraft", args=[draft.pk])).status_code == 403
    carry = reverse("reports:blocks_carry_over", args=[draft.pk])
    assert client.post(carry).status_code == 403
    page = client.get(reverse("reports:draft", args=[draft.pk])).content.decode()
    assert 'data-testid="block-edit"' not in page
    assert 'data-testid="redraft"' not in page
    after = (Draft.objects.count(), ReportTemplate.objects.count(), NarrativeBlock.objects.count())
    assert after == before


@pytest.mark.parametrize("username", WRITERS)
def test_writers_draft_from_the_page(login, progress, username):
    client = login(username)
    response = client.post(
        reverse("reports:draft_create", args=[progress.code]), {"org": "371471", "period": PERIOD}
    )
    draft = Draft.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:draft", args=[draft.pk])
    assert draft.created_by.username == username


def test_a_bad_period_is_refused_with_a_message(login, progress):
    client = login("economy")
    before = Draft.objects.count()
    response = client.post(
        reverse("reports:draft_create", args=[progress.code]),
        {"org": "371471", "period": "2017-13"},
    )
    assert response.status_code == 400
    assert 'data-testid="period-error"' in response.content.decode()
    assert Draft.objects.count() == before


def test_the_draft_page_links_each_figure_to_its_page(login, draft, django_assert_max_num_queries):
    client = login("leader")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reports:draft", args=[draft.pk])).content.decode()
    links = re.findall(r'<a href="([^"]+)" class="report-figure[^"]*" data-testid="figure"', page)
    assert len(links) == 59
    assert GDP_URL in links
    assert 'data-metric="gdp" data-show="value"' in page
    assert 'data-testid="chart"' in page
    assert page.count('data-testid="block"') == 9
    assert 'data-testid="missing-none"' in page
    assert "地区生产总值 2017-01/2017-09" in page  # listed among the estimates


def test_the_gdp_link_opens_its_figure_page(login, draft):
    client = login("leader")
    response = client.get(GDP_URL.replace("&amp;", "&"))
    assert response.status_code == 200
    assert "地区生产总值" in response.content.decode()


def test_a_block_is_edited_in_place_with_versions(login, draft):
    client = login("economy")
    url = reverse("reports:block", args=[draft.pk, "opening"])
    editor = client.get(url, HTTP_HX_REQUEST="true")
    assert 'data-testid="block-editor"' in editor.content.decode()
    saved = client.post(
        url, {"text": "今年以来，全区经济稳中向好。", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    assert 'data-testid="block-saved"' in saved.content.decode()
    assert "今年以来，全区经济稳中向好。" in saved.content.decode()
    stale = client.post(url, {"text": "旧的", "version": 1}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    versions = NarrativeBlock.objects.filter(key="opening", org_unit=draft.org_unit)
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]


def test_a_redraft_keeps_the_blocks_and_highlights_changed_figures(login, draft):
    client = login("economy")
    url = reverse("reports:block", args=[draft.pk, "opening"])
    client.post(url, {"text": "新的开篇。", "version": 1}, HTTP_HX_REQUEST="true")
    DataValue.objects.filter(element__code="gdp", org_unit=draft.org_unit, period=PERIOD).update(
        value="186"
    )
    response = client.post(reverse("reports:redraft", args=[draft.pk]))
    new = Draft.objects.latest("pk")
    assert response["Location"] == reverse("reports:draft", args=[new.pk])
    page = client.get(response["Location"]).content.decode()
    assert "新的开篇。" in page
    changed = re.findall(
        r'data-metric="(\w+)" data-show="(\w+)" data-period="[^"]+" data-changed', page
    )
    assert changed == [("gdp", "value")]
    assert 'data-testid="changed-note"' in page


def test_template_upload_refusal_names_the_placeholder(login, progress):
    client = login("economy")
    document = Document()
    p = document.add_paragraph("产值")
    p.add_run('{{ f("gdp", ')
    p.add_run('"value") }}').bold = True
    document.add_paragraph('{{ f("gpd", "value") }}')
    out = io.BytesIO()
    document.save(out)
    response = client.post(
        reverse("reports:upload", args=[progress.code]),
        {"file": SimpleUploadedFile("t.docx", out.getvalue())},
    )
    assert response.status_code == 400
    page = response.content.decode()
    problems = re.search(r'data-testid="template-problems">(.*?)</div>', page, re.S).group(1)
    assert "<code>{{ f(&quot;gdp&quot;, &quot;value&quot;) }}</code>" in problems
    assert "<code>{{ f(&quot;gpd&quot;, &quot;value&quot;) }}</code>" in problems
    assert ReportTemplate.objects.filter(report_type=progress).count() == 1


def test_template_upload_and_download(login, progress):
    client = login("economy")
    content = demo_template.build()
    response = client.post(
        reverse("reports:upload", args=[progress.code]),
        {"file": SimpleUploadedFile("新版.docx", content), "note": "改"},
    )
    assert response.status_code == 302
    download = client.get(reverse("reports:template", args=[progress.code, 2]))
    assert download.content == content
    assert "attachment" in download["Content-Disposition"]


def test_word_downloads_review_and_final(login, draft):
    client = login("leader")
    url = reverse("reports:word", args=[draft.pk])
    review = Document(io.BytesIO(client.get(url + "?copy=review").content))
    final = Document(io.BytesIO(client.get(url + "?copy=final").content))
    links = [r.target_ref for r in review.part.rels.values() if r.is_external]
    assert (
        "http://testserver/backoffice/figures/figure/?metric=gdp&org=371471&period=2017-01%2F2017-09"
        in links
    )
    assert not [r for r in final.part.rels.values() if r.is_external]


@override_settings(KAIFAQU_SOFFICE="no-such-soffice-kaifaqu")
def test_pdf_without_libreoffice_says_so_on_the_page(login, draft):
    client = login("leader")
    response = client.post(reverse("reports:pdf", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:draft", args=[draft.pk])
    assert "no-such-soffice-kaifaqu" in response.content.decode()


def test_a_block_the_template_does_not_have_is_not_found(login, draft):
    client = login("economy")
    url = reverse("reports:block", args=[draft.pk, "no_such_block"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "x", "version": 0}).status_code == 404
    assert not NarrativeBlock.objects.filter(key="no_such_block").exists()


def test_a_new_quarter_starts_its_blocks_from_the_last_one(login, demo, progress, draft):
    q4 = draft_create(
        actor=None, report_type=progress, org_unit=demo.zone, period="2017-01/2017-12"
    )
    assert "〔待填写：opening〕" in "".join(e["text"] for e in q4.values.values())
    client = login("economy")
    page = client.get(reverse("reports:draft", args=[q4.pk])).content.decode()
    assert 'data-testid="blocks-carry-over"' in page
    response = client.post(reverse("reports:blocks_carry_over", args=[q4.pk]))
    new = Draft.objects.latest("pk")
    assert response["Location"] == reverse("reports:draft", args=[new.pk])
    assert (new.period, new.number) == ("2017-01/2017-12", 2)
    assert new.blocks["opening"]["text"] == demo_template.SEED_BLOCKS["opening"]
    assert not any(m["placeholder"].startswith("{{ block(") for m in new.missing)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="blocks-carry-over"' not in page  # nothing left empty


def test_the_page_renders_the_document_once_per_draft(login, draft, monkeypatch):
    from kaifaqu.reports import word

    calls = []
    original = word.paragraphs
    monkeypatch.setattr(word, "paragraphs", lambda *a: calls.append(1) or original(*a))
    client = login("leader")
    first = client.get(reverse("reports:draft", args=[draft.pk])).context["paragraphs"]
    second = client.get(reverse("reports:draft", args=[draft.pk])).context["paragraphs"]
    assert calls == [1]
    assert first == second
    assert any(s.get("url") for p in second for s in p["segments"])  # links added per view


def _word_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_block_edited_on_the_page_is_in_the_drafts_word_and_on_its_page(login, draft):
    client = login("economy")
    url = reverse("reports:block", args=[draft.pk, "opening"])
    saved = client.post(
        url, {"text": "今年以来，全区上下攻坚克难。", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert "本稿的Word和PDF已包含。" in saved.content.decode()
    word = reverse("reports:word", args=[draft.pk])
    for copy in ("review", "final"):
        text = _word_text(client.get(f"{word}?copy={copy}").content)
        assert "今年以来，全区上下攻坚克难。" in text
        assert demo_template.SEED_BLOCKS["opening"] not in text
    page = client.get(reverse("reports:draft", args=[draft.pk])).content.decode()
    assert "今年以来，全区上下攻坚克难。" in page
    assert 'data-testid="stale-blocks"' not in page
    draft.refresh_from_db()
    assert draft.number == 1  # the same draft, not a new one
    assert Draft.objects.count() == 1
    assert draft.blocks["opening"]["version"] == 2
    (entry,) = [e for e in draft.values.values() if e.get("key") == "opening"]
    assert entry["text"] == "今年以来，全区上下攻坚克难。"


def test_an_emptied_block_is_listed_as_missing_in_the_draft(login, draft):
    client = login("economy")
    url = reverse("reports:block", args=[draft.pk, "opening"])
    client.post(url, {"text": "", "version": 1}, HTTP_HX_REQUEST="true")
    draft.refresh_from_db()
    assert {"placeholder": '{{ block("opening") }}', "name": "", "reason": "该文字段落为空。"} in (
        draft.missing
    )
    assert "〔待填写：opening〕" in _word_text(
        client.get(reverse("reports:word", args=[draft.pk])).content
    )


def test_a_draft_behind_its_blocks_says_so_and_takes_them_in_one_click(login, demo, draft):
    later = draft_create(
        actor=None, report_type=draft.report_type, org_unit=demo.zone, period=PERIOD
    )
    client = login("economy")
    # edited on the earlier draft's page: the later draft now lags behind the block
    client.post(
        reverse("reports:block", args=[draft.pk, "opening"]),
        {"text": "改在旧稿上的开篇。", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    page = client.get(reverse("reports:draft", args=[later.pk])).content.decode()
    assert 'data-testid="stale-blocks"' in page
    assert "1个段落在本稿生成后改过：本稿的Word和PDF仍是原来的文字。" in page
    assert 'data-testid="blocks-apply"' in page
    word = reverse("reports:word", args=[later.pk])
    assert "改在旧稿上的开篇。" not in _word_text(client.get(word).content)
    response = client.post(reverse("reports:blocks_apply", args=[later.pk]))
    assert response["Location"] == reverse("reports:draft", args=[later.pk])
    assert "改在旧稿上的开篇。" in _word_text(client.get(word).content)
    page = client.get(reverse("reports:draft", args=[later.pk])).content.decode()
    assert 'data-testid="stale-blocks"' not in page
    assert "改在旧稿上的开篇。" in page


def test_readers_cannot_apply_blocks(login, draft):
    client = login("leader")
    assert client.post(reverse("reports:blocks_apply", args=[draft.pk])).status_code == 403
