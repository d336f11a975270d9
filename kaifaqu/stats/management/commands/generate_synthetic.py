import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kaifaqu.core.context import acting
from kaifaqu.stats.synthetic import SyntheticDataExists, synthetic_generate


class Command(BaseCommand):
    help = (
        "Generate N synthetic statistical values (a made-up city SYN, its districts and towns, "
        "elements syn_…) for benchmarks. Deterministic: the same N and seed give the same values."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--values", type=int, required=True, help="how many values to write")
        parser.add_argument("--seed", type=int, default=2017, help="random seed (default 2017)")
        parser.add_argument(
            "--orgs", type=int, default=12, help="districts under the synthetic city (default 12)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="delete the synthetic data there is first"
        )

    def handle(
        self, *args: Any, values: int, seed: int, orgs: int, replace: bool, **options: Any
    ) -> None:
        self.stdout.write(
            _("Generating %(values)s synthetic values (seed %(seed)s, %(orgs)s districts)…")
            % {"values": f"{values:,}", "seed": seed, "orgs": orgs}
        )
        shown = [-1]

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total
            if percent // 5 != shown[0] // 5 or done == total:
                shown[0] = percent
                self.stdout.write(
                    _("%(done)s of %(total)s values written (%(percent)s%%)")
                    % {"done": f"{done:,}", "total": f"{total:,}", "percent": percent}
                )

        start = time.perf_counter()
        try:
            with acting(label="system:generate_synthetic"):
                result = synthetic_generate(
                    actor=None,
                    values=values,
                    seed=seed,
                    orgs=orgs,
                    replace=replace,
                    progress=progress,
                )
        except SyntheticDataExists as error:
            raise CommandError(
                " ".join(error.messages) + " " + _("Pass --replace to delete it and generate anew.")
            ) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if result.deleted:
            self.stdout.write(
                _(
                    "Replaced: %(units)s org units, %(elements)s elements, %(values)s values and "
                    "%(targets)s targets deleted first."
                )
                % {name: f"{count:,}" for name, count in result.deleted.items()}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Generated %(values)s values, %(elements)s elements, %(units)s org units and "
                    "%(targets)s targets in %(seconds).1f s."
                )
                % {
                    "values": f"{result.values:,}",
                    "elements": result.elements,
                    "units": result.org_units,
                    "targets": result.targets,
                    "seconds": time.perf_counter() - start,
                }
            )
        )
        self.stdout.write(_("Checksum of the values (SHA-256): %(sum)s") % {"sum": result.checksum})
