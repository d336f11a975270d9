"""The projects sheet: a row per project, new or stored, with its investor (credit code
checked), its codes resolved, its contact details, the moves its stage and dates make (by the
stage rules of ``investment.stages``) and the check that a new row is not a project the
ledger, or the file, has already."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from kaifaqu.carriers.models import BuildingUnit, LandParcel
from kaifaqu.enterprises.contacts import mask_email, mask_person, mask_phone
from kaifaqu.enterprises.models import Enterprise, Industry
from kaifaqu.enterprises.validators import credit_code_problem, normalise_credit_code
from kaifaqu.orgs.models import OrgUnit

from ... import stages
from ...models import Project
from ...selectors import project_duplicates
from ...services import MoveSpec
from ...stages import Stage
from ..columns import CONTACT_COLUMNS, PROJECTS, STAGE_DATES, STAGE_EVIDENCE
from .book import Book, SheetReader, is_number
from .rows import ProjectRow

MASKS = {"contact_person": mask_person, "phone": mask_phone, "email": mask_email}


class ProjectsReader(SheetReader):
    def __init__(self, book: Book):
        super().__init__(book)
        self.new_projects: list[Project] = []  # stand-ins of the new rows, for duplicates
        self.ledger: list[Project] | None = None
        self.investors: dict[tuple, tuple[int, str]] = {}  # key → (row, name)
        self.contacts: dict[tuple, dict[str, tuple[str, int]]] = {}

    def load(self, rows: list[dict]) -> None:
        refs = {(r.get("ref") or "") for r in rows}
        self.book.load_stored({int(r) for r in refs if is_number(r)})
        codes = {normalise_credit_code(r.get("investor_credit_code")) for r in rows} - {""}
        names = {(r.get("investor_name") or "") for r in rows} - {""}
        self.by_code = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        self.by_name: dict[str, list[Enterprise]] = {}
        for enterprise in Enterprise.objects.filter(name__in=names).order_by("pk"):
            self.by_name.setdefault(enterprise.name, []).append(enterprise)
        self.industries = {
            i.code: i
            for i in Industry.objects.filter(
                code__in={(r.get("industry") or "").upper() for r in rows}
            )
        }
        users = {(r.get("officer") or "") for r in rows} - {""}
        self.users = {
            u.get_username(): u
            for u in get_user_model().objects.filter(username__in=users, is_active=True)
        }
        carriers = {(r.get("carrier") or "") for r in rows} - {""}
        self.parcels = {
            p.code: p for p in LandParcel.objects.filter(code__in=carriers).select_related()
        }
        pairs = [c.split("/", 1) for c in carriers if "/" in c]
        self.units = {
            f"{u.building.code}/{u.code}": u
            for u in BuildingUnit.objects.filter(
                building__code__in={b for b, _u in pairs}, code__in={u for _b, u in pairs}
            ).select_related("building")
        }
        self.book.orgs.update(
            {
                u.code: u
                for u in OrgUnit.objects.filter(code__in={(r.get("org") or "") for r in rows})
            }
        )

    def read_row(self, number: int, parsed: dict, errors: bool) -> None:
        sheet = PROJECTS
        ref = parsed.get("ref") or ""
        stored = None
        if ref and self.book.duplicate(
            ref, sheet, number, "ref", _("The ref %(ref)s is already on row %(row)s."), ref=ref
        ):
            return
        if ref:
            self.book.refs[ref] = None  # until the row proves good
        if is_number(ref):
            stored = self.book.stored.get(int(ref))
            if stored is None:
                self.book.add(
                    sheet,
                    number,
                    "ref",
                    _(
                        "No project number %(ref)s in the ledger: for a new project leave ref "
                        "blank or write a label that is not a number."
                    )
                    % {"ref": ref},
                )
                return
            if stored.merged_into_id:
                self.book.merged(sheet, number, "ref", stored)
                return
        ok = not errors
        if stored is None and not self.book.required(
            sheet, number, parsed, "name", "investor_name", "source", "department", "org"
        ):
            ok = False
        name = parsed.get("name") or ""
        investor_name = parsed.get("investor_name") or ""
        code = normalise_credit_code(parsed.get("investor_credit_code"))
        bad_code = "investor_credit_code" in self.book.refused
        if code and (problem := credit_code_problem(code)):
            self.book.add(sheet, number, "investor_credit_code", problem)
            ok, bad_code = False, True
        investor, assign_code, investor_key = self._investor(
            number, stored, code, investor_name, bad_code=bad_code
        )
        if investor_key is None:
            ok = False
        contacts = self._contacts(number, parsed, investor, investor_key)
        if contacts is None:
            ok = False

        industry = officer = org_unit = carrier = department = None
        if industry_code := (parsed.get("industry") or "").upper():
            industry = self.industries.get(industry_code)
            if industry is None:
                self.book.add(
                    sheet,
                    number,
                    "industry",
                    _("Unknown industry %(code)s: it is not in the industry catalogue.")
                    % {"code": industry_code},
                )
                ok = False
        if department_code := parsed.get("department"):
            department = self.book.department(sheet, number, "department", department_code)
            ok = ok and department is not None
        if username := parsed.get("officer"):
            officer = self.users.get(username)
            if officer is None:
                self.book.add(
                    sheet,
                    number,
                    "officer",
                    _("There is no active user %(name)s.") % {"name": username},
                )
                ok = False
        if org_code := parsed.get("org"):
            org_unit = self.book.org(org_code)
            if org_unit is None:
                self.book.add(
                    sheet, number, "org", _("Unknown org unit %(code)s.") % {"code": org_code}
                )
                ok = False
        if carrier_code := parsed.get("carrier"):
            carrier = self.parcels.get(carrier_code) or self.units.get(carrier_code)
            if carrier is None:
                self.book.add(
                    sheet,
                    number,
                    "carrier",
                    _(
                        "Unknown carrier %(code)s: write a land parcel's code, or a building's "
                        "code and the unit's code as building/unit."
                    )
                    % {"code": carrier_code},
                )
                ok = False
        for column in ("contract_investment", "total_investment"):
            value = parsed.get(column)
            if value is not None and value < 0:
                self.book.add(sheet, number, column, _("An amount cannot be negative."))
                ok = False

        contract = parsed.get("contract_investment")
        total = parsed.get("total_investment")
        if stored is not None:
            contract = contract if contract is not None else stored.contract_investment
            total = total if total is not None else stored.total_investment
        stage, first_contact_on, moves = "", None, []
        planned = self._moves(number, parsed, stored, contract, total)
        if planned is None:
            ok = False
        else:
            moves, stage, first_contact_on = planned

        if (
            ok
            and stored is None
            and not self._not_duplicate(number, name, investor, code, investor_name, stage)
        ):
            ok = False
        if not ok:
            return
        row = ProjectRow(
            row=number,
            ref=ref,
            project=stored,
            name=name,
            investor_name=investor_name,
            credit_code=code,
            investor=investor,
            assign_code=assign_code,
            investor_key=investor_key,
            partner=parsed.get("partner") or "",
            industry=industry,
            source=parsed.get("source") or "",
            department=department,
            officer=officer,
            org_unit=org_unit,
            contract_investment=parsed.get("contract_investment"),
            total_investment=parsed.get("total_investment"),
            capital=parsed.get("capital") or "",
            light_asset=parsed.get("light_asset"),
            carrier=carrier,
            key_level=parsed.get("key_level") or "",
            stage=stage,
            first_contact_on=first_contact_on,
            moves=moves,
            contacts=contacts,
            note=parsed.get("note") or "",
        )
        if ref:
            self.book.refs[ref] = row
        self.book.plan.projects.append(row)

    def _investor(self, number: int, stored, code: str, name: str, bad_code: bool):
        """The stored enterprise the row names (or None for a new one), whether the row gives
        it its missing credit code, and the investor's key in this file (None: a problem)."""
        sheet = PROJECTS
        if bad_code:
            return None, False, None
        if code:
            key = ("code", code)
            enterprise = self.by_code.get(code)
            if enterprise is not None and name and name != enterprise.name:
                self.book.add(
                    sheet,
                    number,
                    "investor_name",
                    _(
                        "The credit code %(code)s is that of %(name)s in the system: write that "
                        "name, or correct the code."
                    )
                    % {"code": code, "name": enterprise.name},
                )
                return None, False, None
            assign = False
            if enterprise is None:
                uncoded = [e for e in self.by_name.get(name, []) if not e.credit_code]
                if len(uncoded) == 1:
                    enterprise, assign = uncoded[0], True
        elif stored is not None and name in ("", stored.investor.name):
            enterprise, assign = stored.investor, False
            key = ("id", enterprise.pk)
        elif name:
            named = self.by_name.get(name, [])
            if len(named) > 1:
                self.book.add(
                    sheet,
                    number,
                    "investor_credit_code",
                    _("Several enterprises are named %(name)s: give the credit code to say which.")
                    % {"name": name},
                )
                return None, False, None
            enterprise, assign = (named[0] if named else None), False
            key = ("id", enterprise.pk) if enterprise else ("name", name)
        else:
            return None, False, None  # the name is required, and said so
        if enterprise is not None and enterprise.credit_code:
            key = ("code", enterprise.credit_code)
        shown = name or (enterprise.name if enterprise else "")
        first = self.investors.setdefault(key, (number, shown))
        if first[1] != shown:
            self.book.add(
                sheet,
                number,
                "investor_name",
                _("Row %(row)s names this investor %(name)s.")
                % {"row": first[0], "name": first[1]},
            )
            return None, False, None
        return enterprise, assign, key

    def _contacts(self, number: int, parsed: dict, investor, key) -> dict[str, str] | None:
        """The contact details the row states; a cell holding the mask of what is stored
        (an export for a user who may not see them) states nothing."""
        stated: dict[str, str] = {}
        ok = True
        for column in CONTACT_COLUMNS:
            value = parsed.get(column) or ""
            if not value:
                continue
            current = getattr(investor, column, "") if investor is not None else ""
            if "*" in value:
                if current and MASKS[column](current) == value:
                    continue
                self.book.add(
                    PROJECTS,
                    number,
                    column,
                    _(
                        "This looks masked (it holds *): type the contact details in full, or "
                        "leave the cell blank."
                    ),
                )
                ok = False
                continue
            stated[column] = value
        if not ok or key is None:
            return stated if ok else None
        seen = self.contacts.setdefault(key, {})
        for column, value in stated.items():
            earlier = seen.setdefault(column, (value, number))
            if earlier[0] != value:
                self.book.add(
                    PROJECTS,
                    number,
                    column,
                    _("Row %(row)s gives other contact details for this investor.")
                    % {"row": earlier[1]},
                )
                ok = False
        return stated if ok else None

    def _moves(self, number: int, parsed: dict, stored, contract, total):
        """The moves the row makes after what is stored, its stage, and the first contact;
        None with the problems said."""
        sheet = PROJECTS
        ok = True
        current = Stage(stored.stage) if stored is not None else Stage.LEAD
        stage_text = parsed.get("stage") or ""
        if "stage" in self.book.refused:
            return None
        target = Stage(stage_text) if stage_text else current
        history = self.book.history.get(stored.pk, {}) if stored is not None else {}
        dates = {s: parsed.get(c) for s, c in STAGE_DATES.items()}
        evidence = {s: (parsed.get(c) or "") for s, c in STAGE_EVIDENCE.items()}
        first_contact = parsed.get("first_contact_on")
        recorded = _(
            "The ledger records this move on %(date)s; an import does not change a recorded move."
        )

        if stored is not None:
            if first_contact is not None and first_contact != stored.first_contact_on:
                self.book.add(
                    sheet,
                    number,
                    "first_contact_on",
                    recorded % {"date": stored.first_contact_on.isoformat()},
                )
                ok = False
            first_contact = stored.first_contact_on
            for stage, move in history.items():
                if stage == Stage.LEAD:
                    continue
                if dates.get(stage) is not None and dates[stage] != move.on:
                    self.book.add(
                        sheet,
                        number,
                        STAGE_DATES[Stage(stage)],
                        recorded % {"date": move.on.isoformat()},
                    )
                    ok = False
                text = stored.dropped_reason if stage == Stage.DROPPED else move.evidence_text
                if evidence.get(stage) and evidence[stage] != text:
                    self.book.add(
                        sheet,
                        number,
                        STAGE_EVIDENCE[Stage(stage)],
                        _(
                            "The ledger records this move's evidence as “%(text)s”; an import "
                            "does not change a recorded move."
                        )
                        % {"text": text},
                    )
                    ok = False
            if target != current and (
                refusal := stages.move_refusal(current, target, several=True)
            ):
                self.book.add(sheet, number, "stage", refusal)
                return None
        elif first_contact is None:
            given = [d for d in dates.values() if d is not None]
            first_contact = min(given) if given else self.book.today
        if first_contact > self.book.today:
            self.book.add(sheet, number, "first_contact_on", _("The date cannot be in the future."))
            ok = False

        path = stages.path(current, target, dated=[s for s, on in dates.items() if on is not None])
        for stage, column in STAGE_DATES.items():
            if dates[stage] is not None and stage not in path and stage not in history:
                message = _(
                    "%(column)s is given but the stage is %(stage)s: change the stage, or clear "
                    "this cell."
                )
                self.book.add(sheet, number, column, message % {"column": column, "stage": target})
                ok = False

        previous = stored.stage_since if stored is not None else first_contact
        moves = []
        for stage in path:
            column = STAGE_DATES[stage]
            on = dates[stage]
            if on is None:
                if column not in self.book.refused:
                    self.book.add(
                        sheet,
                        number,
                        column,
                        _("The project moves to %(stage)s: give the date of that move.")
                        % {"stage": stages.label(stage)},
                    )
                ok = False
                continue
            if on > self.book.today:
                self.book.add(sheet, number, column, _("The date cannot be in the future."))
                ok = False
            elif refusal := stages.date_refusal(on, previous):
                self.book.add(sheet, number, column, refusal)
                ok = False
            previous = max(previous, on)
            text = evidence.get(stage, "")
            for problem in stages.move_problems(
                stage, evidence=bool(text), contract_investment=contract, total_investment=total
            ):
                if problem.field != "evidence" and problem.field in self.book.refused:
                    continue  # the amount's cell is refused already, with its own message
                where = STAGE_EVIDENCE[stage] if problem.field == "evidence" else problem.field
                self.book.add(sheet, number, where, problem.message)
                ok = False
            if stage == Stage.DROPPED:
                moves.append(MoveSpec(stage, on, reason=text))
            else:
                moves.append(MoveSpec(stage, on, evidence_text=text))
        if not ok:
            return None
        return moves, str(target), first_contact

    def _not_duplicate(self, number, name, investor, code, investor_name, stage) -> bool:
        """A new row that matches a project of the ledger or an earlier new row of the file
        (by the investor's credit code, or the same investor and a similar name) is refused
        with the match."""
        sheet = PROJECTS
        stand_in = Project(
            pk=-number,
            name=name,
            investor=investor or Enterprise(name=investor_name, credit_code=code or None),
            stage=stage,
        )
        ok = True
        for match in project_duplicates(
            name=name,
            investor=investor,
            credit_code=code,
            investor_name=investor_name,
            candidates=self.new_projects,
        ):
            row = -match.project.pk
            if match.reason == "credit_code":
                self.book.add(
                    sheet,
                    number,
                    "investor_credit_code",
                    _("Row %(row)s is a new project of the same investor (credit code %(code)s).")
                    % {"row": row, "code": code},
                )
            else:
                self.book.add(
                    sheet,
                    number,
                    "name",
                    _(
                        "Row %(row)s is a new project of the same investor with a similar "
                        "name (%(score)d%% alike)."
                    )
                    % {"row": row, "score": round(match.score * 100)},
                )
            ok = False
            break
        self.new_projects.append(stand_in)
        if self.ledger is None:
            self.ledger = list(
                Project.objects.filter(merged_into__isnull=True).select_related("investor")
            )
        matches = project_duplicates(
            name=name,
            investor=investor,
            credit_code=code,
            investor_name=investor_name,
            candidates=self.ledger,
        )
        if matches:
            shown = "；".join(
                _("number %(number)s, %(match)s") % {"number": m.project.pk, "match": m.describe()}
                for m in matches[:5]
            )
            column = "investor_credit_code" if matches[0].reason == "credit_code" else "name"
            self.book.add(
                sheet,
                number,
                column,
                _(
                    "This project may be in the ledger already: %(matches)s. To update it, "
                    "write its number in the ref column."
                )
                % {"matches": shown},
            )
            ok = False
        return ok
