from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core.context import acting
from kaifaqu.core.files import disk_problem, write_file_atomically
from kaifaqu.enterprises.models import Industry
from kaifaqu.investment.workbook import workbook_export
from kaifaqu.investment.workbook.forms import ExportFilterForm
from kaifaqu.orgs.models import Department, OrgUnit


class Command(BaseCommand):
    help = (
        "Export investment projects with their funds received, plans and progress reports as "
        "a workbook (.xlsx) that import_projects reads back. Without --user: every project, "
        "contact details masked."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--user", help="export what this user may read, as they may see it")
        parser.add_argument("--stage", help="only projects at this stage")
        parser.add_argument("--department", metavar="CODE", help="only this department's")
        parser.add_argument("--industry", metavar="CODE", help="only this industry and below")
        parser.add_argument("--key-level", help="none, city or province")
        parser.add_argument("--org", metavar="CODE", help="only this org unit and those below")
        parser.add_argument("--signed-in", metavar="PERIOD", help="signed in this period")
        parser.add_argument("--started-in", metavar="PERIOD", help="started in this period")

    def handle(self, *args, output, user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(_("There is no active user %(name)s.") % {"name": user})
        chosen = {k: options[k] for k in ("stage", "key_level", "signed_in", "started_in")}
        departments = Department.objects.order_by("code").values_list("code", flat=True)
        unknown = {
            "department": lambda code: (
                _("Unknown department %(code)s: the departments are %(codes)s.")
                % {"code": code, "codes": ", ".join(departments)}
            ),
            "industry": lambda code: (
                _("Unknown industry %(code)s: it is not in the industry catalogue.")
                % {"code": code}
            ),
            "org": lambda code: _("Unknown org unit %(code)s.") % {"code": code},
        }
        for option, model, field in (
            ("department", Department, "department"),
            ("industry", Industry, "industry"),
            ("org", OrgUnit, "org_unit"),
        ):
            if code := options.get(option):
                found = model.objects.filter(code=code).first()
                if found is None:
                    raise CommandError(unknown[option](code))
                chosen[field] = found.pk
        form = ExportFilterForm({k: v for k, v in chosen.items() if v})
        if not form.is_valid():
            raise CommandError(
                "; ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in form.errors.items())
            )
        # The file written, then committed with its audit row: a failed write (a full disk)
        # leaves neither the file nor a row claiming the export.
        try:
            with transaction.atomic(), acting(label="system:export_projects"):
                data, counts = workbook_export(actor=actor, filters=form.filters())
                write_file_atomically(output, data)
        except OSError as error:
            raise CommandError(disk_problem(error, output)) from error
        self.stdout.write(
            _("Wrote %(file)s: %(counts)s.")
            % {"file": output, "counts": ", ".join(f"{k} {v}" for k, v in counts.items())}
        )
