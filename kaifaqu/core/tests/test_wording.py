"""Codes said in words (issue 13, item 4): numbers as the metric's decimals say, lists with
the language's joiner, the system's tasks and models by name, empty choices with a label."""

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from kaifaqu.core import numbers
from kaifaqu.core.forms import BootstrapForm
from kaifaqu.core.models import User, actor_words, model_words


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(Decimal("185.000000"), 2, "185.00"), (Decimal("171.35"), 1, "171.4"), ("8", 1, "8.0")],
)
def test_decimal_text_keeps_the_metrics_decimals(value, places, shown):
    assert numbers.decimal_text(value, places) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("185.000000"), "185"), (Decimal("171.300000"), "171.3"), (Decimal("100"), "100")],
)
def test_stored_text_drops_the_databases_trailing_zeros(value, shown):
    assert numbers.stored_text(value) == shown


def test_a_list_is_joined_as_its_language_lists():
    assert numbers.join_list(["洽谈", "退库"]) == "洽谈、退库"
    assert numbers.join_list(["talks", "dropped"], lang="en") == "talks, dropped"


def test_a_unit_beside_a_number_in_english():
    assert numbers.unit_word("平方公里", lang="en") == "km²"
    assert numbers.unit_word("人", lang="en") == "people"
    assert numbers.unit_word("万元", lang="en") == "万元"  # restated only with its number
    assert numbers.unit_word("平方公里") == "平方公里"


def test_the_systems_tasks_and_models_in_words():
    with translation.override("zh-hans"):
        assert actor_words("system:load_demo") == "系统（加载演示数据）"
        assert actor_words("system:unknown_task") == "系统（unknown_task）"
        assert actor_words("economy") == "economy"
        assert model_words("core.user") == str(User._meta.verbose_name)
        assert model_words("gone.model") == "gone.model"
    with translation.override("en"):
        assert actor_words("system:load_demo") == "System (loading the demo data)"


class _Form(BootstrapForm):
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
    user = forms.ModelChoiceField(queryset=User.objects.none())


def test_an_empty_choice_has_a_label():
    with translation.override("zh-hans"):
        form = _Form()
        kind, user = form.fields["kind"], form.fields["user"]
        assert isinstance(kind, forms.ChoiceField)
        assert isinstance(user, forms.ModelChoiceField)
        assert next(iter(kind.widget.choices)) == ("", "请选择")
        assert str(user.empty_label) == "请选择"


def test_the_template_filters():
    template = Template(
        "{% load wording %}{{ v|decimals:2 }} {{ s|stored }} {{ items|join_list }} {{ u|unit }}"
    )
    context = Context({"v": Decimal("185"), "s": Decimal("1.50"), "items": ["甲", "乙"], "u": "亩"})
    with translation.override("zh-hans"):
        assert template.render(context) == "185.00 1.5 甲、乙 亩"
    with translation.override("en"):
        assert template.render(context) == "185.00 1.5 甲, 乙 mu"
