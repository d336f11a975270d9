"""Draft a report and write it to a file:

    kaifaqu draft_report --type progress --org 371471 --period 2017-01/2017-09 \\
        --format docx -o report.docx [--review --base-url https://…]
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kaifaqu.core.context import acting
from kaifaqu.orgs.models import OrgUnit
from kaifaqu.reports import render
from kaifaqu.reports.checker import TemplateRefused
from kaifaqu.reports.models import ReportType
from kaifaqu.reports.pdf import PdfUnavailable
from kaifaqu.reports.services import draft_create


class Command(BaseCommand):
    help = "Draft a report from the data and write it as Word, PDF or HTML."

    def add_arguments(self, parser):
        parser.add_argument("--type", required=True, dest="report_type", help="report type code")
        parser.add_argument("--org", required=True, help="org unit code, e.g. 371471")
        parser.add_argument("--period", required=True, help="e.g. 2017-01/2017-09")
        parser.add_argument("--format", choices=("docx", "pdf", "html"), default="docx")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument(
            "--review", action="store_true", help="Word: link each figure to its page"
        )
        parser.add_argument("--base-url", default="", help="site address for the links")

    def handle(self, *args, **options):
        report_type = ReportType.objects.filter(code=options["report_type"]).first()
        if report_type is None:
            raise CommandError(f"There is no report type {options['report_type']}.")
        org = OrgUnit.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"There is no org unit {options['org']}.")
        try:
            with acting(label="system:draft_report"):
                draft = draft_create(
                    actor=None, report_type=report_type, org_unit=org, period=options["period"]
                )
        except TemplateRefused as e:
            raise CommandError(f"The template is refused: {e}") from None
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from None
        fmt, base = options["format"], options["base_url"] or None
        try:
            if fmt == "docx":
                content = render.docx(draft, review=options["review"], base=base)
            elif fmt == "pdf":
                content = render.pdf_bytes(draft)
            else:
                content = render.standalone_html(draft, base=base).encode()
        except PdfUnavailable as e:
            raise CommandError(str(e)) from None
        Path(options["output"]).write_bytes(content)
        for item in draft.missing:
            self.stderr.write(f"missing: {item['placeholder']}: {item['reason']}")
        self.stdout.write(
            f"draft #{draft.number}: {options['output']} ({len(draft.missing)} missing, "
            f"{len(draft.changed)} changed since the previous draft)"
        )
