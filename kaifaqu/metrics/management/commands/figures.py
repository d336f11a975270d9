import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaifaqu.metrics.selectors import figures


class Command(BaseCommand):
    help = "Compute figures for an org unit and a period (JSON: the schema of /api/v1/figures/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="org unit code, e.g. 371471")
        parser.add_argument("--period", required=True, help="e.g. 2017-01/2017-09, 2017Q3")
        parser.add_argument("--metrics", required=True, help="comma-separated metric codes")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [c.strip() for c in options["metrics"].split(",") if c.strip()]
        if not codes:
            raise CommandError("--metrics names no metric")
        result = figures(options["org"], options["period"], codes)
        if options["format"] == "json":
            payload = {"figures": [f.as_json() for f in result]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for figure in result:
            self.stdout.write(f"{figure.metric}\t{figure.text or '—'}")
            for gap in figure.missing:
                self.stdout.write(f"\t  missing {gap['field']}: {gap['reason']}")
