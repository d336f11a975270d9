"""The key projects page (issue 4): it reproduces the seed; plans, reports and problems are
entered and solved by the department that must solve them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from kaifaqu.investment import services
from kaifaqu.investment.models import (
    KeyProjectPlan,
    ProgressIssue,
    ProgressReport,
    Project,
)

from .test_views_support import (
    NEGOTIATING,
    project,
)

# --- key projects ---------------------------------------------------------------------------


def test_the_key_projects_page_reproduces_the_seed(as_user):
    response = as_user("leader").get(reverse("investment:key_projects"))
    assert response.context["year"] == 2017
    assert len(response.context["rows"]) == 12
    assert (response.context["plan_total"], response.context["completed_total"]) == (
        Decimal("490800"),
        Decimal("392600"),
    )
    html = response.content.decode()
    assert (
        '<td class="fw-semibold text-end text-nowrap" data-testid="plan-total">'
        "4.908 billion yuan</td>"
    ) in html
    assert (
        '<td class="fw-semibold text-end text-nowrap" data-testid="progress-total">80.0%</td>'
    ) in html
    assert "<td >12 key projects</td>" in html
    # Leaders read the open problems and mark none solved.
    assert len(response.context["issues"]) == 4
    assert "issue_resolve" not in html
    assert "Solved</button>" not in html


def test_a_key_projects_plan_report_and_problem_are_entered_and_solved(as_user, seeded):
    p = Project.objects.filter(key_level="city").order_by("name").first()
    client = as_user("investment")
    plan = client.post(
        reverse("investment:plan_save", args=[p.pk]), {"year": 2018, "annual_plan": "30000"}
    )
    assert plan.status_code == 302
    assert KeyProjectPlan.objects.get(project=p, year=2018).annual_plan == Decimal("30000")
    report = client.post(
        reverse("investment:report_save", args=[p.pk]),
        {
            "month": "2017-10",
            "completed_investment": "1500",
            "image_progress": "主体封顶",
            "issue_kind": "approvals",
            "issue_description": "施工许可待办",
            "issue_department": seeded.departments["construction"].pk,
            "issue_due_on": "2017-11-15",
        },
    )
    assert report.status_code == 302
    saved = ProgressReport.objects.get(project=p, month="2017-10")
    (issue,) = saved.issues.all()
    assert (issue.kind, issue.responsible_department.code) == ("approvals", "construction")
    half = client.post(
        reverse("investment:report_save", args=[p.pk]),
        {
            "month": "2017-11",
            "completed_investment": "100",
            "issue_kind": "funds",
        },
    )
    # Each missing part of the problem under its own box, at once.
    needed = ["A problem needs its description, who must solve it and by when."]
    assert half.context["report_form"].errors == {
        "issue_description": needed,
        "issue_department": needed,
        "issue_due_on": needed,
    }
    bad_month = client.post(
        reverse("investment:report_save", args=[p.pk]),
        {
            "month": "2017Q4",
            "completed_investment": "100",
        },
    )
    assert bad_month.context["report_form"].errors["month"] == [
        "A progress report is for one month, as 2017-08."
    ]
    added = client.post(
        reverse("investment:issue_add", args=[p.pk]),
        {
            "report": saved.pk,
            "kind": "land",
            "description": "用地指标",
            "responsible_department": seeded.departments["investment"].pk,
            "due_on": "2017-12-01",
        },
    )
    assert added.status_code == 302
    assert saved.issues.count() == 2
    solved = client.post(
        reverse("investment:issue_resolve", args=[issue.pk]), {"resolved_on": "2017-11-10"}
    )
    assert solved.status_code == 302
    issue.refresh_from_db()
    assert (issue.resolved, issue.resolved_on) == (True, date(2017, 11, 10))
    assert (
        as_user("leader")
        .post(reverse("investment:plan_save", args=[p.pk]), {"year": 2019, "annual_plan": "1"})
        .status_code
        == 403
    )


def test_the_plans_of_a_project_that_is_not_key_are_refused(as_user):
    p = project(NEGOTIATING)
    response = as_user("investment").post(
        reverse("investment:plan_save", args=[p.pk]), {"year": 2017, "annual_plan": "100"}
    )
    assert response.status_code == 200
    assert response.context["plan_form"].non_field_errors() == [
        "Plans and progress reports are kept for key projects only."
    ]


def test_a_problem_is_solved_by_the_department_that_must_solve_it(as_user, seeded):
    p = Project.objects.filter(key_level="city").order_by("name").first()
    report = ProgressReport.objects.filter(project=p).first()
    issue = services.progress_issue_add(
        actor=None,
        report=report,
        kind="funds",
        description="配套资金",
        responsible_department=seeded.departments["economy"],
        due_on=date(2017, 12, 1),
    )
    client = as_user("economy")
    page = client.get(reverse("investment:key_projects"))
    assert [i.pk for i in page.context["issues"] if i.may_resolve] == [issue.pk]
    response = client.post(
        reverse("investment:issue_resolve", args=[issue.pk]),
        {
            "resolved_on": "2017-11-20",
            "next": reverse("investment:key_projects"),
        },
    )
    assert response["Location"] == reverse("investment:key_projects")
    issue.refresh_from_db()
    assert issue.resolved
    other = ProgressIssue.objects.filter(resolved=False).exclude(pk=issue.pk).first()
    assert (
        client.post(
            reverse("investment:issue_resolve", args=[other.pk]), {"resolved_on": "2017-11-20"}
        ).status_code
        == 403
    )
