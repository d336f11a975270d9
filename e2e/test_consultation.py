"""Issue 5's acceptance in a real browser: a new visitor opens the home page, reads a policy,
asks a question from it, sees that a personal space was made for them, follows the sign-in
link and finds the consultation there; 招商局's officer (a second browser) logs in, opens it
from the inbox and replies; the visitor reloads and reads the reply; the officer turns the
consultation into a project and finds it on the investment kanban.

The visitor reads the site in Chinese (the default), the officer in English; both are
followed by data-testid attributes and data, not by wording.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kaifaqu.consultations.models import Consultation
from kaifaqu.investment.models import Project

pytestmark = pytest.mark.browser

QUESTION = "我们计划投资锂电池储能项目，需要约50亩工业用地，有哪些扶持政策？"
REPLY = "您好：开发区新能源产业园有合适地块，本周可安排实地考察。"
PROJECT = "星河储能电池项目"


def test_a_visitor_asks_staff_reply_and_turn_it_into_a_project(
    e2e_demo, new_page, live_server, log_in_as
):
    visitor = new_page("zh-CN")

    # The home page, then a policy from the library.
    visitor.goto("/")
    expect(visitor.get_by_test_id("zone-name")).to_be_visible()
    visitor.locator('[data-nav="policies"]').first.click()
    visitor.locator("a[data-policy]").first.click()
    expect(visitor.get_by_test_id("policy-title")).to_be_visible()
    policy_category = visitor.url  # named in the message below

    # Ask about it: the form comes with the policy's category chosen.
    visitor.locator('main a[href^="/consult/?category="]').first.click()
    expect(visitor.get_by_test_id("ask-form")).to_be_visible()
    chosen = visitor.locator("#id_category").input_value()
    assert chosen, f"no category preselected coming from {policy_category}"
    honeypot = visitor.locator("#id_website").bounding_box()
    assert honeypot["x"] + honeypot["width"] < 0  # off-screen: people never see it
    visitor.locator("#id_question").fill(QUESTION)
    visitor.locator("#id_name").fill("王建国")
    visitor.locator("#id_organisation").fill("星河新能源有限公司")
    visitor.locator("#id_phone").fill("13912345678")
    visitor.locator("#id_consent").check()
    visitor.get_by_test_id("ask-submit").click()

    # The personal space was made: the message, the number, the link.
    expect(visitor.get_by_test_id("space-created")).to_be_visible()
    expect(visitor.get_by_test_id("space-created")).to_contain_text(
        "已为您免费生成了个人网上空间,快去查看吧"
    )
    consultation = Consultation.objects.get(phone="13912345678")
    assert consultation.category == chosen
    expect(visitor.get_by_test_id("number")).to_have_text(consultation.number)
    visitor.get_by_test_id("sign-in-link").click()
    visitor.get_by_test_id("sign-in").click()
    expect(visitor).to_have_url(re.compile(r"/space/$"))
    row = visitor.locator(f'[data-consultation="{consultation.number}"]')
    expect(row).to_be_visible()
    row.get_by_role("link", name=consultation.number).click()
    expect(visitor.get_by_test_id("question-text")).to_have_text(QUESTION)

    # 招商局's officer answers from the inbox.
    staff = new_page("en-US")
    log_in_as(staff, "investment", e2e_demo.password)
    staff.goto("/backoffice/consultations/")
    staff.locator('[data-nav="consultations"]').click()
    staff.get_by_test_id("inbox").get_by_role("link", name=consultation.number).click()
    expect(staff.get_by_test_id("question-text")).to_have_text(QUESTION)
    staff.get_by_test_id("reply-form").locator("#id_body").fill(REPLY)
    staff.get_by_test_id("reply-submit").click()
    expect(staff.get_by_test_id("thread").get_by_test_id("message-body")).to_have_text(REPLY)

    # The visitor sees the reply.
    visitor.reload()
    expect(visitor.locator('[data-from-staff="1"]').get_by_test_id("message-body")).to_have_text(
        REPLY
    )

    # The officer turns it into a project, which appears on the kanban.
    form = staff.get_by_test_id("convert-form")
    expect(form.locator("#id_project_name")).to_have_value("星河新能源有限公司")
    form.locator("#id_project_name").fill(PROJECT)
    form.locator("#id_org_unit").select_option(str(e2e_demo.zone.pk))
    staff.get_by_test_id("convert-submit").click()
    project = Project.objects.get(name=PROJECT)
    expect(staff).to_have_url(re.compile(rf"/backoffice/investment/projects/{project.pk}/$"))
    staff.goto("/backoffice/investment/")
    expect(staff.locator(f'[data-project="{project.pk}"]').first).to_be_visible()
    assert project.stage == "lead"
