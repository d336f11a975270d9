"""Template uploads (refused ones change nothing), narrative blocks with versions, drafts
(one batch, missing figures listed, changed figures marked), rights, and the command."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from kaifaqu.core.models import AuditEntry
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.reports import demo_template, render
from kaifaqu.reports.checker import TemplateRefused
from kaifaqu.reports.models import Draft, NarrativeBlock, ReportTemplate
from kaifaqu.reports.selectors import current_blocks, current_template
from kaifaqu.reports.services import (
    block_save,
    blocks_carry_over,
    draft_create,
    template_upload,
)
from kaifaqu.stats.models import DataValue

from .conftest import PERIOD, ZONE


def docx(*texts: str | list[str]) -> bytes:
    document = Document()
    for text in texts:
        p = document.add_paragraph()
        for run in [text] if isinstance(text, str) else text:
            p.add_run(run)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_upload_adds_a_version_and_it_becomes_current(demo, progress):
    template = template_upload(
        actor=demo.economy,
        report_type=progress,
        content=docx('{{ org() }}：{{ f("gdp", "value") }}'),
        filename="新模板.docx",
    )
    assert template.version == 2
    assert current_template(progress) == template
    assert template.uploaded_by == demo.economy
    assert AuditEntry.objects.filter(
        object_type="reports.reporttemplate", object_id=str(template.pk)
    ).exists()


def test_a_refused_upload_names_the_placeholder_and_changes_nothing(demo, progress):
    before = ReportTemplate.objects.count()
    with translation.override("en"), pytest.raises(TemplateRefused) as refused:
        template_upload(
            actor=demo.economy,
            report_type=progress,
            content=docx(['{{ f("gdp", ', '"value") }}'], '{{ f("nogdp") }}'),
            filename="坏模板.docx",
        )
    assert [p.placeholder for p in refused.value.problems] == [
        '{{ f("gdp", "value") }}',
        '{{ f("nogdp") }}',
    ]
    assert "Unknown metric nogdp." in str(refused.value)
    assert ReportTemplate.objects.count() == before


def test_only_word_files_are_taken(demo, progress):
    with translation.override("en"), pytest.raises(ValidationError, match="Word file"):
        template_upload(actor=demo.economy, report_type=progress, content=b"x", filename="t.doc")


@pytest.mark.parametrize("username", ["investment", "finance", "leader", "sysadmin", "auditadmin"])
def test_only_economy_editors_and_zone_admins_write(demo, progress, username):
    user = demo.users[username]
    with pytest.raises(PermissionDenied):
        template_upload(
            actor=user, report_type=progress, content=demo_template.build(), filename="t.docx"
        )
    with pytest.raises(PermissionDenied):
        block_save(
            actor=user,
            report_type=progress,
            org_unit=demo.zone,
            period=PERIOD,
            key="opening",
            text="x",
            version=CURRENT,
        )
    with pytest.raises(PermissionDenied):
        draft_create(actor=user, report_type=progress, org_unit=demo.zone, period=PERIOD)


def test_a_zone_admin_drafts(demo, progress):
    draft = draft_create(actor=demo.admin, report_type=progress, org_unit=demo.zone, period=PERIOD)
    assert draft.created_by == demo.admin


def test_blocks_keep_their_versions(demo, progress):
    args = {"report_type": progress, "org_unit": demo.zone, "period": PERIOD, "key": "opening"}
    first = current_blocks(progress, demo.zone, PERIOD)["opening"]["version"]
    saved = block_save(actor=demo.economy, text="今年以来，全区上下…", version=first, **args)
    assert saved.version == first + 1
    again = block_save(
        actor=demo.economy, text="今年以来，全区上下…", version=saved.version, **args
    )
    assert again == saved  # the same text is no new version
    texts = list(
        NarrativeBlock.objects.filter(**args).order_by("version").values_list("text", flat=True)
    )
    assert texts[0] == demo_template.SEED_BLOCKS["opening"]
    assert texts[-1] == "今年以来，全区上下…"


def test_a_block_saved_over_a_newer_version_is_refused(demo, progress):
    args = {"report_type": progress, "org_unit": demo.zone, "period": PERIOD, "key": "opening"}
    block_save(actor=demo.economy, text="甲", version=1, **args)
    with pytest.raises(ConcurrentEditError):
        block_save(actor=demo.admin, text="乙", version=1, **args)
    assert current_blocks(progress, demo.zone, PERIOD)["opening"]["text"] == "甲"


def test_a_period_that_does_not_fit_the_type_is_refused(demo, progress):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        draft_create(actor=None, report_type=progress, org_unit=demo.zone, period="2017-01/2017-08")
    assert "ends at its end" in str(refused.value)
    with pytest.raises(ValidationError):
        draft_create(actor=None, report_type=progress, org_unit=demo.zone, period="2017Q5")


def test_a_draft_asks_the_engine_once(demo, progress, django_assert_max_num_queries):
    draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)
    # Template, blocks, previous draft, the engine's four queries and the ledgers' calls,
    # the profile and the units below; saving and the audit row: bounded whatever the figures.
    with django_assert_max_num_queries(60):
        draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)


def test_figures_that_cannot_be_computed_are_listed_not_printed(demo, progress):
    template_upload(
        actor=None,
        report_type=progress,
        filename="t.docx",
        content=docx(
            '前三季度地区生产总值{{ f("gdp", "value") }}，'
            '占年度任务的{{ f("gdp", "progress_pct") }}。'
        ),
    )
    with translation.override("en"):
        draft = draft_create(
            actor=None, report_type=progress, org_unit=demo.zone, period="2015-01/2015-09"
        )
    text = render.text(draft)
    assert (
        text == "前三季度地区生产总值〔缺数：地区生产总值〕，占年度任务的〔缺数：地区生产总值〕。"
    )
    assert draft.missing == [
        {
            "placeholder": '{{ f("gdp", "value") }}',
            "name": "地区生产总值",
            "reason": "No value for 德州经济技术开发区 in Q1–Q3 2015.",
        },
        {
            "placeholder": '{{ f("gdp", "progress_pct") }}',
            "name": "地区生产总值",
            "reason": "No value for 德州经济技术开发区 in Q1–Q3 2015.",
        },
    ]


def test_a_redraft_marks_the_figures_whose_value_changed(demo, progress):
    first = draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)
    assert first.changed == []
    DataValue.objects.filter(
        element__code="trade", org_unit=demo.zone, period="2017-01/2017-08"
    ).update(value="36.1")
    second = draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)
    assert second.number == first.number + 1
    changed = {(second.values[k]["metric"], second.values[k]["show"]) for k in second.changed}
    assert changed == {("trade", "value"), ("trade", "growth"), ("trade", "share_pct")}
    assert "实现外贸进出口总额36.1亿元" in render.text(second)
    assert "实现外贸进出口总额34.4亿元" in render.text(first)  # a draft keeps what it printed
    # The review copy highlights them; the final copy does not.
    review = Document(io.BytesIO(render.docx(second, review=True)))
    marked = [
        "".join(t.text for t in r.iter(qn("w:t")))
        for r in review.element.body.iter(qn("w:r"))
        if r.find(qn("w:rPr")) is not None
        and r.find(qn("w:rPr")).find(qn("w:highlight")) is not None
    ]
    assert marked == ["36.1亿元", "增长80.6%", "22.2%"]
    final = Document(io.BytesIO(render.docx(second, review=False)))
    assert not list(final.element.body.iter(qn("w:highlight")))
    notes = [p.text for p in review.paragraphs if p.text.startswith("〔预计〕")]
    assert notes[0] == "〔预计〕地区生产总值（2017年1—8月）含预计数。"


def test_the_command_writes_word_html_and_lists_nothing_missing(demo, progress, tmp_path):
    out = io.StringIO()
    for fmt in ("docx", "html"):
        call_command(
            "draft_report",
            "--type",
            "progress",
            "--org",
            ZONE,
            "--period",
            PERIOD,
            "--format",
            fmt,
            "-o",
            str(tmp_path / f"r.{fmt}"),
            "--review",
            "--base-url",
            "https://kfq.example.cn",
            stdout=out,
        )
    assert "(0 missing" in out.getvalue()
    document = Document(tmp_path / "r.docx")
    assert document.paragraphs[0].text == "德州经济技术开发区\n2017年前三季度工作进展情况"
    html = (tmp_path / "r.html").read_text()
    assert (
        'href="https://kfq.example.cn/backoffice/figures/figure/?metric=gdp&amp;org=371471'
        '&amp;period=2017-01%2F2017-09"'
    ) in html
    assert 'data-testid="chart-png"' in html  # the chart as Word shows it: no ECharts in a file
    assert Draft.objects.filter(report_type=progress).count() == 2


def test_a_shared_rank_is_printed_only_while_every_part_holds_it(demo, progress):
    template_upload(
        actor=None,
        report_type=progress,
        filename="t.docx",
        content=docx(
            '进出口总额、出口额、进口额均{{ f("trade", "rank", lag=1, with_parts=True) }}。'
        ),
    )
    draft = draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)
    assert render.text(draft) == "进出口总额、出口额、进口额均居全市首位。"
    assert draft.missing == []
    # Imports fall behind a peer: "均居全市首位" would be false, so it is not printed.
    DataValue.objects.filter(
        element__code="imports", org_unit=demo.zone, period="2017-01/2017-08"
    ).update(value="0.5")
    with translation.override("en"):
        draft = draft_create(actor=None, report_type=progress, org_unit=demo.zone, period=PERIOD)
    assert render.text(draft) == "进出口总额、出口额、进口额均〔缺数：外贸进出口总额〕。"
    ((missing),) = draft.missing
    assert missing["reason"].startswith("The parts do not share the whole's rank: ")
    assert "出口额居全市首位" in missing["reason"]
    assert "进口额列全市第" in missing["reason"]


def test_a_shared_rank_needs_a_metric_with_parts(demo, progress):
    with translation.override("en"), pytest.raises(TemplateRefused) as refused:
        template_upload(
            actor=None,
            report_type=progress,
            filename="t.docx",
            content=docx(
                '{{ f("gdp_x", "rank", with_parts=True) }}'
                '{{ f("industrial_va", "rank", with_parts=True) }}'
                '{{ f("trade", "value", with_parts=True) }}'
            ),
        )
    assert [(p.placeholder, p.message) for p in refused.value.problems] == [
        (
            '{{ f("trade", "value", with_parts=True) }}',
            "with_parts goes with rank and growth_rank only.",
        ),
        ('{{ f("gdp_x", "rank", with_parts=True) }}', "Unknown metric gdp_x."),
        (
            '{{ f("industrial_va", "rank", with_parts=True) }}',
            "industrial_va has no parts to rank with it.",
        ),
    ]


def test_a_period_starts_its_blocks_from_the_latest_earlier_one(demo, progress):
    args = {"report_type": progress, "org_unit": demo.zone}
    block_save(
        actor=demo.economy,
        period="2017-01/2017-06",
        key="opening",
        text="上半年…",
        version=0,
        **args,
    )
    # 1—12月 has its own opening already; the others come from 1—9月, the latest before it.
    block_save(
        actor=demo.economy, period="2017-01/2017-12", key="opening", text="全年…", version=0, **args
    )
    filled = blocks_carry_over(actor=demo.economy, period="2017-01/2017-12", **args)
    assert "opening" not in filled
    assert set(filled) == set(demo_template.SEED_BLOCKS) - {"opening"}
    blocks = current_blocks(progress, demo.zone, "2017-01/2017-12")
    assert blocks["opening"]["text"] == "全年…"
    assert blocks["talent_news"] == {"text": demo_template.SEED_BLOCKS["talent_news"], "version": 1}
    assert blocks_carry_over(actor=demo.economy, period="2017-01/2017-12", **args) == []


def test_carrying_over_needs_an_earlier_period_and_a_writer(demo, progress):
    args = {"report_type": progress, "org_unit": demo.zone}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        blocks_carry_over(actor=demo.economy, period="2016-01/2016-09", **args)
    assert refused.value.messages == ["No earlier period has narrative blocks to start from."]
    with pytest.raises(PermissionDenied):
        blocks_carry_over(actor=demo.leader, period="2017-01/2017-12", **args)
    assert current_blocks(progress, demo.zone, "2017-01/2017-12") == {}
