"""Fixtures and helpers of the investment pages' tests (no tests here)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from kaifaqu.investment.models import Project

READERS = ["admin", "leader", "investment", "twodept"]
EDITORS = ["admin", "investment", "twodept"]
OTHER_DEPARTMENTS = ["economy", "finance"]
SEPARATED = ["sysadmin", "secadmin", "auditadmin"]

#: The demo's pipeline (kaifaqu.investment.demo): stage → count, contracted, total (万元).
DEMO_COLUMNS = {
    "lead": (3, Decimal("0"), Decimal("0")),
    "negotiating": (2, Decimal("128000"), Decimal("0")),
    "signed": (37, Decimal("1841800"), Decimal("2057800")),
    "started": (17, Decimal("196600"), Decimal("316600")),
    "under_construction": (65, Decimal("2639800"), Decimal("2741900")),
    "operating": (9, Decimal("219500"), Decimal("236500")),
    "dropped": (2, Decimal("13000"), Decimal("8000")),
}
NEGOTIATING = "星阳锂离子电池生产线项目"  # negotiating, 120000万元 contracted
LEAD = "天康众创空间项目"  # a lead; its investor 天康孵化器管理有限公司, 赵经理, 0534-0000230
EVIDENCE_REFUSAL = (
    "Signing needs its evidence: the agreement (its title or number, or the signed file)."
)
SKIP_REFUSAL = (
    "A project moves one stage at a time: from negotiating it goes to signed, not started."
)
STALE = (
    "Someone else saved this record while you were editing it. Reload it to see their change, "
    "then make yours again."
)


def project(name: str) -> Project:
    return Project.objects.select_related("investor").get(name=name)


def columns_of(response) -> dict[str, tuple[int, Decimal, Decimal]]:
    return {
        c.stage: (c.count, c.contract_investment, c.total_investment)
        for c in response.context["columns"]
    }


def page_url(p: Project) -> str:
    return reverse("investment:project_detail", args=[p.pk])


def move_url(p: Project) -> str:
    return reverse("investment:project_move", args=[p.pk])
