"""The demo's report type (工作进展情况, quarterly, 经济发展局), its template (the seed's
report, demo_template.py), and the seed's narrative blocks for 2017-01/2017-09."""

from __future__ import annotations

from typing import TextIO

from django.conf import settings

from kaifaqu.core.demo import SEED
from kaifaqu.orgs.models import Department, OrgUnit

from . import demo_template
from .models import NarrativeBlock, PeriodKind
from .selectors import current_template
from .services import block_save, report_type_save, template_upload

TYPE_CODE = "progress"
PERIOD = "2017-01/2017-09"


def run(out: TextIO) -> None:
    department = Department.objects.get(code="economy")
    report_type = report_type_save(
        actor=None,
        code=TYPE_CODE,
        name="工作进展情况",
        department=department,
        period_kind=PeriodKind.QUARTERLY,
        description="开发区经济社会发展工作进展情况，每季度一期（据公报：2017年前三季度）。",
    )
    if current_template(report_type) is None:
        template_upload(
            actor=None,
            report_type=report_type,
            content=demo_template.build(),
            filename="工作进展情况.docx",
            note=SEED,
        )
    zone = OrgUnit.objects.get(code=settings.KAIFAQU_HOME_ZONE)
    have = set(
        NarrativeBlock.objects.filter(
            report_type=report_type, org_unit=zone, period=PERIOD
        ).values_list("key", flat=True)
    )
    for key, text in demo_template.SEED_BLOCKS.items():
        if key not in have:
            # Only the blocks the zone has none of: the first version of each.
            block_save(
                actor=None,
                report_type=report_type,
                org_unit=zone,
                period=PERIOD,
                key=key,
                text=text,
                version=0,
            )
    out.write(f"reports: type {TYPE_CODE}, template and {len(demo_template.SEED_BLOCKS)} blocks\n")
