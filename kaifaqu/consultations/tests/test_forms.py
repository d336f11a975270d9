"""The consultation forms: they collect what people type and leave the rules to the services.
The honeypot is out of people's reach, several files come through one input, and the inbox's
filters never fail a page whatever the query string says."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from kaifaqu.consultations.forms import AskForm, InboxFilterForm, MessageForm
from kaifaqu.portal.categories import Category


def test_the_form_offers_the_four_categories():
    assert [c for c, _ in AskForm().fields["category"].choices] == [
        "industry_support",
        "enterprise_investment",
        "land_buildings",
        "other",
    ]
    assert [c for c, _ in AskForm().fields["category"].choices] == list(Category.values)


def test_the_honeypot_is_out_of_reach():
    attrs = AskForm().fields["website"].widget.attrs
    assert (attrs["tabindex"], attrs["aria-hidden"], attrs["autocomplete"], attrs["class"]) == (
        "-1",
        "true",
        "off",
        "consult-hp",
    )


def test_several_files_come_through_one_input():
    files = MultiValueDict(
        {"files": [SimpleUploadedFile("a.pdf", b"%PDF-1"), SimpleUploadedFile("b.png", b"x")]}
    )
    form = MessageForm({"body": "See the files."}, files)
    assert form.is_valid()
    assert [f.name for f in form.cleaned_data["files"]] == ["a.pdf", "b.png"]
    assert "multiple" in str(form["files"])


def test_no_file_is_an_empty_list():
    form = MessageForm({"body": "No files."})
    assert form.is_valid()
    assert form.cleaned_data["files"] == []


def test_consent_is_left_to_the_service_so_its_message_is_the_one_shown():
    form = AskForm({"category": "other", "question": "q", "name": "n", "phone": "13800000000"})
    assert form.is_valid()
    assert form.cleaned_data["consent"] is False


@given(
    status=st.text(max_size=20),
    category=st.text(max_size=30),
    channel=st.text(max_size=10),
    q=st.text(max_size=120),
    overdue=st.sampled_from(["", "on", "x"]),
)
def test_the_inbox_filters_always_give_the_selector_plain_values(
    status, category, channel, q, overdue
):
    form = InboxFilterForm(
        {"status": status, "category": category, "channel": channel, "q": q, "overdue": overdue}
    )
    selection = form.selection()
    assert set(selection) == {"status", "category", "channel", "q", "overdue_only"}
    assert selection["status"] in {"", "new", "replied", "visitor_replied", "closed"}
    assert selection["category"] in {"", *Category.values}
    assert selection["channel"] in {"", "web", "api", "hotline"}
    assert isinstance(selection["overdue_only"], bool)
    assert len(selection["q"]) <= 100
