"""The template check: placeholders Word split, unknown metrics, show-kinds and calls are
refused with the placeholder named; a clean template gives its calls in document order."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaifaqu.reports import demo_template
from kaifaqu.reports.checker import TemplateRefused, check_docx, scan_docx
from kaifaqu.reports.vocabulary import SHOW_KINDS

GDP = '{{ f("gdp", "value") }}'


def docx(*paragraphs: str | list[str | tuple[str, bool]], footer: str = "") -> bytes:
    """A .docx whose paragraphs are text, or lists of runs ((text, bold) for a bold run)."""
    document = Document()
    for paragraph in paragraphs:
        p = document.add_paragraph()
        for run in [paragraph] if isinstance(paragraph, str) else paragraph:
            text, bold = run if isinstance(run, tuple) else (run, False)
            p.add_run(text).bold = bold
    if footer:
        document.sections[0].footer.paragraphs[0].add_run(footer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def problems(content: bytes) -> list[tuple[str, str]]:
    with translation.override("en"):
        return [(p.placeholder, p.message) for p in scan_docx(content).problems]


def test_a_clean_template_gives_its_calls(db, demo):
    scan = check_docx(
        docx(
            f"地区生产总值{GDP}，同比{{{{ f('gdp', 'growth', lag=1) }}}}。",
            '{{ block("overview") }}',
            "{{ period() }}",
        )
    )
    assert [(c.name, c.args, c.options) for c in scan.calls] == [
        ("f", ("gdp", "value"), {}),
        ("f", ("gdp", "growth"), {"lag": 1}),
        ("block", ("overview",), {}),
        ("period", (), {}),
    ]
    assert scan.metrics == {"gdp"}


def test_the_demo_template_passes(demo):
    scan = check_docx(demo_template.build())
    assert scan.problems == []
    assert len(scan.of("f")) == 63
    assert {c.args[0] for c in scan.of("block")} == set(demo_template.SEED_BLOCKS)


def test_a_placeholder_split_across_runs_is_refused_and_named(demo):
    found = problems(docx(["地区生产总值", '{{ f("gd', ('p", "value") }}', True), "。"]))
    assert len(found) == 1
    assert found[0][0] == GDP
    assert "split" in found[0][1]


def test_a_split_in_the_footer_is_refused_too(demo):
    found = problems(docx("正文", footer=""))
    assert found == []
    content = docx("正文")
    document = Document(io.BytesIO(content))
    p = document.sections[0].footer.paragraphs[0]
    p.add_run("{{ org(")
    p.add_run(") }}")
    out = io.BytesIO()
    document.save(out)
    assert [name for name, _m in problems(out.getvalue())] == ["{{ org() }}"]


def test_an_unclosed_placeholder_is_refused(demo):
    found = problems(docx('产值{{ f("gdp", "value") 亿元'))
    assert found[0][0].startswith('{{ f("gdp"')


def test_an_unknown_metric_is_refused_and_named(demo):
    found = problems(docx('{{ f("gpd", "value") }}', GDP))
    assert found == [('{{ f("gpd", "value") }}', "Unknown metric gpd.")]


def test_an_unknown_part_is_refused(demo):
    found = problems(docx('{{ f("gdp", "part_share", part="exports") }}'))
    assert found == [
        ('{{ f("gdp", "part_share", part="exports") }}', "exports is not a part of gdp.")
    ]


def test_an_unknown_show_kind_is_refused_and_named(demo):
    (found,) = problems(docx('{{ f("gdp", "growht") }}'))
    assert found[0] == '{{ f("gdp", "growht") }}'
    assert found[1].startswith("Unknown show-kind growht; known: value, number")


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ("{{ gdp }}", 'A placeholder is one call, such as {{ f("gdp", "value") }}.'),
        (
            '{{ g("gdp") }}',
            "Unknown placeholder g; known: f, fact, units, period, org, block, chart.",
        ),
        ("{{ f(metric) }}", "Arguments must be written out (text in quotes, or numbers)."),
        ('{{ f("gdp", "value", lag="1") }}', "The option lag takes a int."),
        ('{{ f("gdp", "value", colour=1) }}', "f has no option colour."),
        ('{{ f("gdp", "value", lag=13) }}', "lag is a number of months from 0 to 11."),
        (
            '{{ fact("area") }}',
            (
                "Unknown profile fact area; known: founded_year, national_level_year, area_km2, "
                "planned_area_km2, built_up_area_km2, households, registered_population, "
                "agricultural_population, non_agricultural_population, resident_population."
            ),
        ),
        ('{{ units("village") }}', "units takes town, subdistrict."),
        ('{{ chart("gdp", "radar") }}', "Unknown chart kind radar; known: structure, parts."),
        ('{{ block("Overview 1") }}', "A block's key is lower-case letters, digits and _."),
        (
            "{% if x %}",
            "Templates hold placeholders {{ … }} only; conditions and loops are not used.",
        ),
        ('{{ f("gdp", }}', "This placeholder cannot be read: unexpected '}', expected ')'."),
    ],
)
def test_calls_outside_the_vocabulary_are_refused(demo, placeholder, message):
    assert problems(docx(placeholder)) == [(placeholder, message)]


def test_curly_quotes_from_word_autoformat_are_read_as_straight(demo):
    scan = check_docx(docx("{{ f(“gdp”, ‘growth’) }}"))
    assert scan.calls[0].args == ("gdp", "growth")


def test_check_docx_raises_with_every_problem(demo):
    with translation.override("en"), pytest.raises(TemplateRefused) as refused:
        check_docx(docx('{{ f("gpd") }}', ["{{ o", "rg() }}"]))
    assert [p.placeholder for p in refused.value.problems] == ["{{ org() }}", '{{ f("gpd") }}']


def test_a_file_that_is_not_word_is_refused(db):
    with translation.override("en"):
        assert [p.message for p in scan_docx(b"PK not really").problems] == [
            "This is not a Word (.docx) file."
        ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    show=st.sampled_from(SHOW_KINDS),
    cut=st.integers(min_value=1, max_value=20),
)
def test_any_split_of_a_placeholder_is_refused(demo, show, cut):
    placeholder = f'{{{{ f("gdp", "{show}") }}}}'
    cut = min(cut, len(placeholder) - 1)
    found = problems(docx(["前", placeholder[:cut], (placeholder[cut:], True), "后"]))
    assert [name for name, _m in found] == [placeholder]
