"""Reads of the investment ledgers: lists and filters, the kanban, a project's timeline and
time in stage, duplicates, key projects' progress, talent. Each returns a queryset or plain
values computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.periods import Period, PeriodError, month_key, parse
from kaifaqu.enterprises import names
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.validators import normalise_credit_code
from kaifaqu.orgs.selectors import orgunit_ids_below, scoped

from . import stages
from .models import (
    AwardStatus,
    FollowUp,
    FundTranche,
    KeyLevel,
    KeyProjectPlan,
    Lead,
    LeadStatus,
    ProgressIssue,
    ProgressReport,
    Project,
    ProjectFile,
    StageMove,
    TalentAward,
    TalentProgramme,
)
from .stages import Stage

# --- lists and filters ------------------------------------------------------------------


def project_list(user) -> QuerySet[Project]:
    """The projects the user may read (merged records left out), newest contact first."""
    qs = Project.objects.filter(merged_into__isnull=True).select_related(
        "investor", "industry", "department", "officer", "org_unit"
    )
    return scoped(user, qs).order_by("-first_contact_on", "-pk")


def period_dates(text: str | Period, field_name: str = "period") -> tuple[date, date]:
    """The first and last day of a period, or of one written (2017, 2017Q3, 2017-01/2017-09)."""
    if isinstance(text, Period):
        return text.first_day, text.last_day
    try:
        period = parse(text)
    except PeriodError as error:
        raise ValidationError({field_name: str(error)}) from None
    return period.first_day, period.last_day


def project_filter(
    qs: QuerySet[Project],
    *,
    stage: str | None = None,
    department=None,
    industry=None,
    key_level: str | None = None,
    org_unit=None,
    signed_in: str | Period | None = None,
    started_in: str | Period | None = None,
    light_asset: bool | None = None,
    search: str | None = None,
) -> QuerySet[Project]:
    """Narrow a project list. An industry takes in everything under it (C38 holds C3841), an
    org unit everything below it; ``signed_in`` / ``started_in`` are written periods."""
    if stage:
        qs = qs.filter(stage=stage)
    if department is not None:
        qs = qs.filter(department=department)
    if industry is not None:
        qs = qs.filter(industry__code__startswith=industry.code)
    if key_level:
        qs = qs.filter(key_level=key_level)
    if org_unit is not None:
        qs = qs.filter(org_unit_id__in=orgunit_ids_below(org_unit))
    if signed_in:
        first, last = period_dates(signed_in, "signed_in")
        qs = qs.filter(signed_on__range=(first, last))
    if started_in:
        first, last = period_dates(started_in, "started_in")
        qs = qs.filter(started_on__range=(first, last))
    if light_asset is not None:
        qs = qs.filter(light_asset=light_asset)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(investor__name__icontains=search)
            | Q(partner__icontains=search)
        )
    return qs


# --- the kanban -------------------------------------------------------------------------


@dataclass
class Column:
    stage: str
    label: str
    count: int = 0
    contract_investment: Decimal = Decimal(0)
    total_investment: Decimal = Decimal(0)


KANBAN_STAGES = (*stages.PIPELINE, Stage.DROPPED)


def kanban_columns(qs: QuerySet[Project]) -> list[Column]:
    """A column per stage, in pipeline order (dropped last), with the number of projects and
    their contracted and total investment (10,000 yuan), from one query."""
    columns = {s: Column(str(s), str(s.label)) for s in KANBAN_STAGES}
    rows = (
        qs.order_by()
        .values("stage")
        .annotate(n=Count("pk"), contract=Sum("contract_investment"), total=Sum("total_investment"))
    )
    for row in rows:
        column = columns[Stage(row["stage"])]
        column.count = row["n"]
        column.contract_investment = row["contract"] or Decimal(0)
        column.total_investment = row["total"] or Decimal(0)
    return list(columns.values())


# --- one project ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # "move", "follow_up", "file", "tranche"
    item: object
    merged_from: Project | None = None


def project_timeline(project: Project) -> list[TimelineEntry]:
    """Stage moves, follow-ups, files and funds received, oldest first (four queries);
    entries that came with a merged record say so."""
    sources = (
        ("move", StageMove.objects.select_related("actor", "merged_from"), "on"),
        ("follow_up", FollowUp.objects.select_related("by", "merged_from"), "on"),
        ("file", ProjectFile.objects.select_related("uploaded_by", "merged_from"), "uploaded_at"),
        ("tranche", FundTranche.objects.select_related("merged_from"), "on"),
    )
    entries: list[tuple] = []
    for order, (kind, qs, when) in enumerate(sources):
        for item in qs.filter(project=project):
            on = getattr(item, when)
            if hasattr(on, "hour"):
                on = timezone.localdate(on)
            entries.append((on, order, item.pk, TimelineEntry(on, kind, item, item.merged_from)))
    entries.sort(key=lambda e: e[:3])
    return [e[3] for e in entries]


@dataclass(frozen=True)
class StageSpan:
    stage: str
    since: date
    until: date | None  # None: the stage the project is in now
    days: int


def time_in_stage(project: Project, today: date | None = None) -> list[StageSpan]:
    """How long the project spent in each stage, from its own history (one query); the
    current stage runs to today (a final stage: no end)."""
    today = today or timezone.localdate()
    moves = list(
        StageMove.objects.filter(project=project, merged_from__isnull=True)
        .order_by("on", "pk")
        .values_list("to_stage", "on")
    )
    spans = []
    for i, (stage, since) in enumerate(moves):
        until = moves[i + 1][1] if i + 1 < len(moves) else None
        end = until or (since if stage in stages.FINAL else today)
        spans.append(StageSpan(stage, since, until, (end - since).days))
    return spans


# --- duplicates -------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateMatch:
    project: Project
    reason: str  # "credit_code" or "similar_name"
    score: float = 1.0

    def describe(self) -> str:
        why = (
            _("the investor's credit code %(code)s") % {"code": self.project.investor.credit_code}
            if self.reason == "credit_code"
            else _("the same investor and a similar name (%(score)d%% alike)")
            % {"score": round(self.score * 100)}
        )
        return _("%(name)s of %(investor)s (%(stage)s; matched on %(why)s)") % {
            "name": self.project.name,
            "investor": self.project.investor.name,
            "stage": self.project.get_stage_display(),
            "why": why,
        }


def project_duplicates(
    *,
    name: str,
    investor=None,
    credit_code: str | None = None,
    investor_name: str | None = None,
    exclude: int | None = None,
    candidates: list[Project] | None = None,
) -> list[DuplicateMatch]:
    """Projects in the ledger a new one (or an import row) may duplicate:

    - every project whose investor has the same unified social credit code; or
    - a project of the same investor (the same enterprise, or an investor whose name is at
      least ``names.SIMILAR`` alike once normalised) whose name is as alike.

    Merged records are left out; dropped ones are not (a dropped project coming back is the
    same project). ``candidates`` lets an import check many rows against one read of the
    ledger (with their investors loaded).
    """
    code = normalise_credit_code(credit_code or (investor.credit_code if investor else ""))
    investor_name = investor_name or (investor.name if investor is not None else "")
    if candidates is None:
        candidates = _duplicate_candidates(code, investor, investor_name)
    found: list[DuplicateMatch] = []
    for project in candidates:
        if project.pk == exclude:
            continue
        if code and project.investor.credit_code == code:
            found.append(DuplicateMatch(project, "credit_code"))
            continue
        same_investor = (investor is not None and project.investor_id == investor.pk) or (
            bool(investor_name) and names.similar(project.investor.name, investor_name)
        )
        if same_investor:
            score = names.similarity(project.name, name)
            if score >= names.SIMILAR:
                found.append(DuplicateMatch(project, "similar_name", score))
    found.sort(key=lambda m: (m.reason != "credit_code", -m.score, m.project.pk))
    return found


def _duplicate_candidates(code: str, investor, investor_name: str) -> list[Project]:
    """The projects of the investors a new project may share: the same code, the same
    enterprise, or a name alike (two queries: the enterprises' names, then their projects)."""
    ids = set()
    for pk, other_name, other_code in Enterprise.objects.values_list("id", "name", "credit_code"):
        if (
            (code and other_code == code)
            or (investor is not None and pk == investor.pk)
            or (investor_name and names.similar(other_name, investor_name))
        ):
            ids.add(pk)
    if not ids:
        return []
    return list(
        Project.objects.filter(merged_into__isnull=True, investor_id__in=ids).select_related(
            "investor"
        )
    )


# --- follow-ups, funds, key projects ----------------------------------------------------


def next_actions_due(user, until: date) -> QuerySet[FollowUp]:
    """Follow-ups whose next action falls due by ``until``, on projects still in play."""
    readable = project_list(user).exclude(stage__in=stages.FINAL)
    return (
        FollowUp.objects.filter(project__in=readable, next_action_on__lte=until)
        .select_related("project", "by")
        .order_by("next_action_on", "pk")
    )


def funds_received(qs: QuerySet[Project], period: str) -> Decimal:
    """Funds received in a period by the projects of ``qs`` (10,000 yuan)."""
    first, last = period_dates(period)
    total = FundTranche.objects.filter(project__in=qs, on__range=(first, last)).aggregate(
        s=Sum("amount")
    )["s"]
    return total or Decimal(0)


def tranches_of(project: Project) -> QuerySet[FundTranche]:
    return project.tranches.select_related("entered_by", "merged_from").order_by("on", "pk")


@dataclass
class KeyProjectRow:
    project: Project
    annual_plan: Decimal
    completed: Decimal = Decimal(0)
    reports: list[ProgressReport] = field(default_factory=list)

    @property
    def progress_pct(self) -> Decimal | None:
        return self.completed / self.annual_plan * 100 if self.annual_plan else None


def key_project_progress(user, year: int, through_month: int = 12) -> list[KeyProjectRow]:
    """Each key project with a plan for ``year``: the plan and the investment completed in
    months 1 to ``through_month`` (10,000 yuan), from two queries."""
    plans = (
        KeyProjectPlan.objects.filter(year=year, project__in=project_list(user))
        .select_related("project", "project__org_unit")
        .order_by("project__name")
    )
    rows = {p.project_id: KeyProjectRow(p.project, p.annual_plan) for p in plans}
    reports = ProgressReport.objects.filter(
        project_id__in=rows, month_key__range=(month_key(year, 1), month_key(year, through_month))
    ).order_by("month_key")
    for report in reports:
        row = rows[report.project_id]
        row.completed += report.completed_investment
        row.reports.append(report)
    return list(rows.values())


def open_issues(user) -> QuerySet[ProgressIssue]:
    """Problems needing help not yet solved, soonest due first: those of projects the user
    reads, and those their departments must solve."""
    from kaifaqu.core import access

    qs = ProgressIssue.objects.filter(resolved=False).select_related(
        "report__project", "responsible_department"
    )
    ids = access.readable_department_ids(user)
    if ids is not None:
        qs = qs.filter(
            Q(report__project__department_id__in=ids) | Q(responsible_department_id__in=ids)
        )
    return qs.order_by("due_on", "pk")


def key_projects(user, level: str = KeyLevel.CITY) -> QuerySet[Project]:
    return project_list(user).filter(key_level=level)


# --- talent -----------------------------------------------------------------------------


def talent_awards(user, *, programme=None, year: int | None = None) -> QuerySet[TalentAward]:
    qs = TalentAward.objects.select_related("programme", "enterprise", "org_unit")
    qs = scoped(user, qs)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.annotate(subsidy_total=Sum("subsidies__amount")).order_by(
        "programme__order", "year", "person_name"
    )


@dataclass
class ProgrammeCount:
    programme: TalentProgramme
    selected: int = 0
    shortlisted: int = 0


def talent_counts_by_programme(user, period: str) -> list[ProgrammeCount]:
    """People selected and shortlisted per programme, announced in a period (two queries)."""
    first, last = period_dates(period)
    counts = {p.pk: ProgrammeCount(p) for p in TalentProgramme.objects.order_by("order", "code")}
    rows = (
        scoped(user, TalentAward.objects.filter(announced_on__range=(first, last)))
        .order_by()
        .values("programme_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        entry = counts[row["programme_id"]]
        if row["status"] == AwardStatus.SELECTED:
            entry.selected = row["n"]
        else:
            entry.shortlisted = row["n"]
    return list(counts.values())


# ========================================================================================
# Reads of the back-office pages (appended by the investment-pages helper; the pages in
# views.py call these, and nothing above this line was changed).
# ========================================================================================


def kanban_cards(qs: QuerySet[Project], per_column: int) -> dict[str, list[Project]]:
    """Each kanban column's first ``per_column`` projects, latest move first: one query a
    column, whatever the number of projects."""
    return {
        str(stage): list(qs.filter(stage=stage).order_by("-stage_since", "-pk")[:per_column])
        for stage in KANBAN_STAGES
    }


def project_page_qs() -> QuerySet[Project]:
    """Projects with what their page shows about them loaded (merged records included)."""
    return Project.objects.select_related(
        "investor",
        "industry",
        "department",
        "officer",
        "org_unit",
        "land_parcel",
        "building_unit__building",
        "merged_into",
    )


def moves_of(project: Project) -> QuerySet[StageMove]:
    return project.moves.select_related("actor", "merged_from").order_by("on", "pk")


def follow_ups_of(project: Project) -> QuerySet[FollowUp]:
    return project.follow_ups.select_related("by", "merged_from").order_by("-on", "-pk")


def files_of(project: Project) -> QuerySet[ProjectFile]:
    return project.files.select_related("uploaded_by", "merged_from").order_by(
        "-uploaded_at", "-pk"
    )


def plans_of(project: Project) -> QuerySet[KeyProjectPlan]:
    return project.plans.order_by("year")


def reports_of(project: Project) -> QuerySet[ProgressReport]:
    """A key project's progress reports, latest month first, with their problems."""
    return (
        project.reports.select_related("reported_by")
        .prefetch_related("issues__responsible_department")
        .order_by("-month_key")
    )


def merged_records(project: Project) -> QuerySet[Project]:
    """The records folded into this one."""
    return project.merged_projects.select_related("investor").order_by("pk")


def merge_candidates(user, project: Project) -> QuerySet[Project]:
    """Records the user may fold into ``project``: not merged, of departments they edit."""
    from kaifaqu.core import access

    qs = (
        Project.objects.filter(merged_into__isnull=True)
        .exclude(pk=project.pk)
        .select_related("investor")
    )
    ids = access.editable_department_ids(user)
    if ids is not None:
        qs = qs.filter(department_id__in=ids)
    return qs.order_by("name", "pk")


def subsidies_of(award: TalentAward):
    return award.subsidies.select_related("entered_by").order_by("paid_on", "pk")


def talent_years(user) -> list[int]:
    """The years with awards the user reads, latest first."""
    return list(
        scoped(user, TalentAward.objects.all())
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def investor_named(name: str) -> Enterprise | None:
    """The enterprise of exactly this name (the first entered, if several)."""
    name = (name or "").strip()
    return Enterprise.objects.filter(name=name).order_by("pk").first() if name else None


def key_plan_years(user) -> list[int]:
    """The years with annual plans of key projects the user reads, latest first."""
    return list(
        KeyProjectPlan.objects.filter(project__in=project_list(user))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


# --- leads ------------------------------------------------------------------------------


def open_lead_match(*, phone: str, email: str, organisation: str) -> Lead | None:
    """The open lead of this phone, email or organisation (case-insensitive), the most
    recently contacted first; empty values match nothing."""
    match = Q()
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email__iexact=email)
    if organisation:
        match |= Q(organisation__iexact=organisation)
    if not match:
        return None
    return (
        Lead.objects.filter(match, status=LeadStatus.OPEN)
        .order_by("-last_contact_at", "-pk")
        .first()
    )


def lead_investor_match(*, organisation: str, phone: str, email: str) -> Enterprise | None:
    """The known investor behind an enquiry: the enterprise of exactly that name, else the
    one with that phone or email (the first entered)."""
    investor = investor_named(organisation)
    if investor is not None:
        return investor
    match = Q()
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email__iexact=email)
    if not match:
        return None
    return Enterprise.objects.filter(match).order_by("pk").first()


def lead_list(user, *, status: str = "") -> QuerySet[Lead]:
    """The leads the user may read, most recently contacted first."""
    qs = Lead.objects.select_related("officer", "investor", "department", "project")
    if status:
        qs = qs.filter(status=status)
    return scoped(user, qs).order_by("-last_contact_at", "-pk")
