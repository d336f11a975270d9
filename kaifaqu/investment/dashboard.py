"""The investment ledger on the dashboard (registered with core.dashboard): the pipeline
and the key projects' progress as charts, and what waits (follow-ups due, key projects'
problems past their date), each through the selectors scoped to the user."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaifaqu.core import access, dashboard

from . import selectors
from .charts import key_projects_chart, pipeline_chart

#: How many of the projects whose next step is due the dashboard names.
WAITING_SHOWN = 5


def charts(user: Any) -> list[dashboard.Chart]:
    out = []
    pipeline = pipeline_chart(selectors.kanban_columns(selectors.project_list(user)))
    if pipeline:
        out.append(
            dashboard.Chart(
                "pipeline", _("Investment pipeline"), pipeline, reverse("investment:kanban")
            )
        )
    years = selectors.key_plan_years(user)
    if years:
        rows = selectors.key_project_progress(user, years[0])
        spec = key_projects_chart(rows, years[0])
        if spec:
            out.append(
                dashboard.Chart(
                    "key_projects",
                    _("Key projects' progress"),
                    spec,
                    f"{reverse('investment:key_projects')}?year={years[0]}",
                )
            )
    return out


def waiting(user: Any) -> list[dashboard.WaitingItem]:
    today = timezone.localdate()
    due_qs = selectors.next_actions_due(user, today)
    due = due_qs.count()
    # The project list has no "next step due" filter: the first few are named here.
    first_due = [
        (
            _("%(project)s: %(action)s") % {"project": f.project.name, "action": f.next_action}
            if f.next_action
            else f.project.name,
            reverse("investment:project_detail", args=[f.project_id]),
        )
        for f in (due_qs[:WAITING_SHOWN] if due else [])
    ]
    late = selectors.open_issues(user).filter(due_on__lt=today).count()
    return [
        dashboard.WaitingItem(
            "follow_ups_due",
            ngettext(
                "%(n)d project's next step is due",
                "%(n)d projects' next steps are due",
                due,
            )
            % {"n": due},
            due,
            reverse("investment:project_list"),
            records=tuple(first_due),
        ),
        dashboard.WaitingItem(
            "key_project_issues_late",
            ngettext(
                "%(n)d key project problem is past its date",
                "%(n)d key project problems are past their date",
                late,
            )
            % {"n": late},
            late,
            reverse("investment:key_projects"),
            "danger",
        ),
    ]


dashboard.register_charts("investment", charts, allowed=access.reads_business, order=20)
dashboard.register_waiting("investment", waiting, allowed=access.reads_business, order=30)
