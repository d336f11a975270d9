"""The investment kanban in a real browser (issue 4's acceptance): 招商局's editor drags a
project to another column, is refused a skipped stage and a move without its evidence (the
board and the ledger unchanged), then moves it with the evidence and sees both columns'
counts and sums change by the project's amounts; and the keyboard way through a card's
"Move to" box.

The page is read in English, the msgid language, so the services' refusals are compared
word for word; counts and sums are read from the columns' data attributes (exact 万元) and
from what they show (through core.numbers, as the template does).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kaifaqu.core import numbers
from kaifaqu.investment.models import Project, StageMove
from kaifaqu.investment.stages import Stage

pytestmark = pytest.mark.browser

KANBAN = "/backoffice/investment/"
SKIP_REFUSAL = (
    "A project moves one stage at a time: from negotiating it goes to signed, not started."
)
EVIDENCE_REFUSAL = (
    "Signing needs its evidence: the agreement (its title or number, or the signed file)."
)
DROP_REFUSAL = "Say why the project is dropped."


def column(page, stage: str):
    return page.locator(f'[data-column="{stage}"]')


def read_column(page, stage: str) -> tuple[int, Decimal, str, str]:
    """The column's count and contracted sum (data), and both as the column shows them."""
    col = column(page, stage)
    return (
        int(col.get_attribute("data-count")),
        Decimal(col.get_attribute("data-contract")),
        col.get_by_test_id("column-count").inner_text(),
        col.get_by_test_id("column-contract").inner_text(),
    )


def drag(page, source, target) -> None:
    """Drag ``source`` by its title onto ``target`` with the mouse, in steps as a hand does
    (Chromium starts an HTML5 drag only once the pointer has moved with the button down)."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    page.mouse.move(start["x"] + 20, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(start["x"] + 40, start["y"] + 30, steps=5)
    target.scroll_into_view_if_needed()
    end = target.bounding_box()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 60, steps=10)
    page.mouse.up()


def shown_yi(wan: Decimal) -> str:
    return numbers.format_amount(numbers.scale(wan, "万元", "亿元"), "亿元", lang="en")


def test_a_move_is_refused_without_its_evidence_then_made_and_the_sums_change(
    page, live_server, e2e_demo, log_in_as
):
    project = (
        Project.objects.filter(stage=Stage.NEGOTIATING, contract_investment__isnull=False)
        .order_by("-contract_investment", "pk")
        .first()
    )
    amount = project.contract_investment
    assert amount == Decimal("120000.00")  # 12亿元: a change the columns' 亿元 sums show
    moves_before = StageMove.objects.filter(project=project).count()

    log_in_as(page, "investment", e2e_demo.password)
    page.locator('[data-nav="investment"]').click()
    expect(page).to_have_url(f"{live_server.url}{KANBAN}")
    expect(page.get_by_test_id("kanban")).to_have_attribute("data-ready", "1")

    negotiating, signed = read_column(page, "negotiating"), read_column(page, "signed")
    assert negotiating[2] == str(negotiating[0])
    assert negotiating[3] == shown_yi(negotiating[1])
    assert signed[3] == shown_yi(signed[1])
    card = column(page, "negotiating").locator(f'[data-project="{project.pk}"]')
    expect(card).to_be_visible()

    # Dropped two columns on: the dialog opens, and the move is refused as a skip.
    drag(page, card, column(page, "started"))
    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator('input[name="to"]')).to_have_value("started")
    dialog.get_by_test_id("move-submit").click()
    expect(dialog.get_by_test_id("move-errors")).to_contain_text(SKIP_REFUSAL)
    dialog.locator(".btn-close").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".modal-backdrop")).to_have_count(0)  # gone once it has faded

    # Dropped on the next column without the agreement: refused, nothing changed.
    drag(page, card, column(page, "signed"))
    expect(dialog).to_be_visible()
    expect(dialog.locator('input[name="to"]')).to_have_value("signed")
    dialog.get_by_test_id("move-submit").click()
    expect(dialog.get_by_test_id("move-errors")).to_contain_text(EVIDENCE_REFUSAL)
    expect(dialog.get_by_test_id("move-errors")).to_contain_text("Nothing was changed.")
    project.refresh_from_db()
    assert (project.stage, StageMove.objects.filter(project=project).count()) == (
        Stage.NEGOTIATING,
        moves_before,
    )
    assert read_column(page, "negotiating") == negotiating
    assert read_column(page, "signed") == signed

    # With the agreement: the board reloads with the card in its new column.
    dialog.locator('textarea[name="evidence_text"]').fill("投资合作协议 DZKF-2017-088")
    dialog.get_by_test_id("move-submit").click()
    expect(column(page, "signed").locator(f'[data-project="{project.pk}"]')).to_be_visible()
    expect(column(page, "negotiating").locator(f'[data-project="{project.pk}"]')).to_have_count(0)
    expect(page.locator(".alert-success")).to_contain_text(f"{project.name} moved to Signed.")

    count_n, sum_n = negotiating[0] - 1, negotiating[1] - amount
    count_s, sum_s = signed[0] + 1, signed[1] + amount
    assert read_column(page, "negotiating") == (count_n, sum_n, str(count_n), shown_yi(sum_n))
    assert read_column(page, "signed") == (count_s, sum_s, str(count_s), shown_yi(sum_s))
    assert read_column(page, "negotiating")[3] != negotiating[3]

    project.refresh_from_db()
    assert (project.stage, project.signed_on is not None) == (Stage.SIGNED, True)
    move = StageMove.objects.filter(project=project).latest("pk")
    assert (move.from_stage, move.to_stage, move.evidence_kind, move.evidence_text) == (
        "negotiating",
        "signed",
        "agreement",
        "投资合作协议 DZKF-2017-088",
    )


def test_the_keyboard_moves_a_card_through_its_move_to_box(page, live_server, e2e_demo, log_in_as):
    project = (
        Project.objects.filter(stage=Stage.LEAD, merged_into__isnull=True)
        .order_by("-stage_since", "-pk")
        .first()
    )
    log_in_as(page, "investment", e2e_demo.password)
    page.goto(KANBAN)
    expect(page.get_by_test_id("kanban")).to_have_attribute("data-ready", "1")
    lead, dropped = read_column(page, "lead"), read_column(page, "dropped")

    card = column(page, "lead").locator(f'[data-project="{project.pk}"]')
    card.locator('select[name="to"]').focus()
    card.locator('select[name="to"]').select_option("dropped")
    page.keyboard.press("Tab")
    expect(card.get_by_test_id("move-open")).to_be_focused()
    page.keyboard.press("Enter")

    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("move-submit").click()
    expect(dialog.get_by_test_id("move-errors")).to_contain_text(DROP_REFUSAL)
    project.refresh_from_db()
    assert project.stage == Stage.LEAD

    dialog.locator('textarea[name="reason"]').fill("投资方决定暂缓")
    dialog.get_by_test_id("move-submit").click()
    expect(column(page, "dropped")).to_have_attribute("data-count", str(dropped[0] + 1))
    expect(column(page, "lead")).to_have_attribute("data-count", str(lead[0] - 1))
    project.refresh_from_db()
    assert (project.stage, project.dropped_reason) == (Stage.DROPPED, "投资方决定暂缓")
