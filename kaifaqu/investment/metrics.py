"""The figures the investment ledgers answer, registered with the figure engine.

Each ledger function gets every org unit and window of a batch and answers them all from one
read of the org tree and one or two queries of records, whatever their number. A unit counts
its own records and those of every unit below it; units outside the zone are not answered
(see kaifaqu.orgs.tree). Every value lists the records it counted, each linking to its project page.

What is counted, for a window of months:

- projects_signed / contract_investment_signed / light_asset_projects: projects whose signing
  is dated in the window (a project dropped later still counts: it was signed), and their
  contracted investment; light-asset ones among them ("新引进").
- projects_started / total_investment_started: projects started in the window, and their
  total investment.
- funds_received_started: funds received in the window by the projects started in it.
- key_projects_continuing / funds_received_continuing: key projects (city or province level)
  started before the window and neither operating nor dropped before it (重点续建), and the
  funds they received in the window.
- key_projects_city / key_projects_total_investment: the city-level key projects with an
  annual plan for the window's year (the year's list), and their total investment.
- key_projects_completed_investment: the investment those projects completed in the months of
  the window (their progress reports); its annual target is the sum of their plans
  (services.key_project_targets_sync writes it).
- talents_selected: people selected, in the window, for the zone's own talent programmes
  (安澜产业领军人才; those recommended to higher programmes are counted per programme by
  selectors.talent_counts_by_programme).
- talent_subsidies: talent subsidies paid in the window.

Amounts are kept in 万元 and answered in the unit the reports print: 亿元 for investment and
funds, 万元 for subsidies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Q

from kaifaqu.core.periods import first_day_of, last_day_of, year_of
from kaifaqu.metrics.registry import LedgerRecord, LedgerValue, Metric, Window
from kaifaqu.orgs.tree import org_tree

from .models import (
    AwardStatus,
    FundTranche,
    KeyLevel,
    KeyProjectPlan,
    ProgressReport,
    Project,
    TalentAward,
    TalentLevel,
    TalentSubsidy,
)
from .paths import project_url

TEN_THOUSAND = Decimal(10000)
Answer = dict[tuple[int, Window], LedgerValue]


def _span(windows: list[Window]) -> tuple[date, date]:
    return first_day_of(min(w[0] for w in windows)), last_day_of(max(w[1] for w in windows))


def _in(day: date | None, window: Window) -> bool:
    return day is not None and first_day_of(window[0]) <= day <= last_day_of(window[1])


def _yi(wan: Decimal) -> Decimal:
    return wan / TEN_THOUSAND


def _money_label(name: str, wan: Decimal) -> str:
    return f"{name}（{wan.normalize():f}万元）"


def _answer(
    org_ids: Iterable[int],
    windows: Iterable[Window],
    records: list,
    pick: Callable[[object, Window], Decimal | None],
    record: Callable[[object, Decimal], LedgerRecord],
    formula: str,
    answered: Callable[[Window], bool] = lambda _w: True,
) -> Answer:
    """Add up ``records`` (each with an ``org_unit_id``) for every unit and window: ``pick``
    says what a record contributes to a window (None: nothing). A window ``answered`` refuses
    is left out: the ledger has nothing to say for it (not even zero)."""
    windows = list(windows)
    units = org_tree().scopes(org_ids)
    out: Answer = {}
    for window in windows:
        if not answered(window):
            continue
        hits = [(r, v) for r in records if (v := pick(r, window)) is not None]
        for org, below in units.items():
            mine = [(r, v) for r, v in hits if r.org_unit_id in below]
            total = sum((v for _r, v in mine), Decimal(0))
            out[(org, window)] = LedgerValue(total, tuple(record(r, v) for r, v in mine), formula)
    return out


def _projects(windows: list[Window], **date_range) -> list[Project]:
    return list(
        Project.objects.filter(merged_into__isnull=True, **date_range)
        .only(
            "id",
            "name",
            "org_unit_id",
            "signed_on",
            "started_on",
            "light_asset",
            "contract_investment",
            "total_investment",
        )
        .order_by("pk")
    )


def _count_record(project: Project, _value) -> LedgerRecord:
    return LedgerRecord(project.name, project_url(project.pk))


def _money_record(project: Project, value: Decimal) -> LedgerRecord:
    return LedgerRecord(
        _money_label(project.name, value * TEN_THOUSAND), project_url(project.pk), value
    )


# --- signed and started -----------------------------------------------------------------


def _dated(date_field: str, amount, record, formula: str, **filters):
    """The ledger function of projects whose ``date_field`` falls in the window: each counts
    ``amount(project)`` (1 for a count), its record made by ``record``."""

    def answer(org_ids, windows) -> Answer:
        windows = list(windows)
        found = _projects(windows, **{f"{date_field}__range": _span(windows)}, **filters)
        return _answer(
            org_ids,
            windows,
            found,
            lambda p, w: amount(p) if _in(getattr(p, date_field), w) else None,
            record,
            formula,
        )

    return answer


def _one(project) -> Decimal:
    return Decimal(1)


projects_signed = _dated("signed_on", _one, _count_record, "签约日期在期内的项目个数")
contract_investment_signed = _dated(
    "signed_on",
    lambda p: _yi(p.contract_investment or 0),
    _money_record,
    "期内签约项目的合同投资额之和",
)
light_asset_projects = _dated(
    "signed_on", _one, _count_record, "期内签约的轻资产项目个数", light_asset=True
)
projects_started = _dated("started_on", _one, _count_record, "开工日期在期内的项目个数")
total_investment_started = _dated(
    "started_on",
    lambda p: _yi(p.total_investment or 0),
    _money_record,
    "期内开工项目的总投资之和",
)


# --- funds received ---------------------------------------------------------------------


def _tranches(windows: list[Window], projects: Q) -> dict[int, list[tuple[date, Decimal]]]:
    """Project id → its tranches dated within the batch's span (one query)."""
    out: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = FundTranche.objects.filter(projects, on__range=_span(windows)).values_list(
        "project_id", "on", "amount"
    )
    for project_id, on, amount in rows:
        out[project_id].append((on, amount))
    return out


def _funds(project: Project, tranches, window: Window) -> Decimal:
    return sum((a for on, a in tranches.get(project.pk, ()) if _in(on, window)), Decimal(0))


def funds_received_started(org_ids, windows) -> Answer:
    windows = list(windows)
    found = _projects(windows, started_on__range=_span(windows))
    tranches = _tranches(windows, Q(project__in=[p.pk for p in found]))
    return _answer(
        org_ids,
        windows,
        found,
        lambda p, w: _yi(_funds(p, tranches, w)) if _in(p.started_on, w) else None,
        _money_record,
        "期内开工项目在期内的到位资金之和",
    )


def _continuing(project: Project, window: Window) -> bool:
    """A key project under construction when the window began (重点续建)."""
    start = first_day_of(window[0])
    return (
        project.started_on is not None
        and project.started_on < start
        and (project.operating_on is None or project.operating_on >= start)
        and (project.dropped_on is None or project.dropped_on >= start)
    )


def _key_projects(windows: list[Window]) -> list[Project]:
    last = last_day_of(max(w[1] for w in windows))
    return list(
        Project.objects.filter(
            merged_into__isnull=True,
            key_level__in=(KeyLevel.CITY, KeyLevel.PROVINCE),
            started_on__lt=last,
        )
        .only("id", "name", "org_unit_id", "started_on", "operating_on", "dropped_on")
        .order_by("pk")
    )


def key_projects_continuing(org_ids, windows) -> Answer:
    windows = list(windows)
    found = _key_projects(windows)
    return _answer(
        org_ids,
        windows,
        found,
        lambda p, w: Decimal(1) if _continuing(p, w) else None,
        _count_record,
        "期初已开工、未投产的重点项目个数",
    )


def funds_received_continuing(org_ids, windows) -> Answer:
    windows = list(windows)
    found = _key_projects(windows)
    tranches = _tranches(windows, Q(project__in=[p.pk for p in found]))
    return _answer(
        org_ids,
        windows,
        found,
        lambda p, w: _yi(_funds(p, tranches, w)) if _continuing(p, w) else None,
        _money_record,
        "重点续建项目在期内的到位资金之和",
    )


# --- city-level key projects ------------------------------------------------------------


def _city_list(windows: list[Window]) -> tuple[list[Project], set[tuple[int, int]]]:
    """The city-level key projects with a plan in a year of the batch, and (project, year)
    pairs of their plans (two queries). A year without any plan has no list: its figures
    are missing, not zero."""
    years = {year_of(w[1]) for w in windows}
    plans = set(
        KeyProjectPlan.objects.filter(
            year__in=years, project__key_level=KeyLevel.CITY, project__merged_into__isnull=True
        ).values_list("project_id", "year")
    )
    projects = list(
        Project.objects.filter(pk__in={p for p, _y in plans})
        .only("id", "name", "org_unit_id", "total_investment")
        .order_by("pk")
    )
    return projects, plans


def _listed_years(plans: set[tuple[int, int]]) -> Callable[[Window], bool]:
    years = {year for _p, year in plans}
    return lambda w: year_of(w[1]) in years


def key_projects_city(org_ids, windows) -> Answer:
    windows = list(windows)
    found, plans = _city_list(windows)
    return _answer(
        org_ids,
        windows,
        found,
        lambda p, w: Decimal(1) if (p.pk, year_of(w[1])) in plans else None,
        _count_record,
        "当年有年度投资计划的市级重点项目个数",
        _listed_years(plans),
    )


def key_projects_total_investment(org_ids, windows) -> Answer:
    windows = list(windows)
    found, plans = _city_list(windows)
    return _answer(
        org_ids,
        windows,
        found,
        lambda p, w: _yi(p.total_investment or 0) if (p.pk, year_of(w[1])) in plans else None,
        _money_record,
        "市级重点项目的总投资之和",
        _listed_years(plans),
    )


def key_projects_completed_investment(org_ids, windows) -> Answer:
    windows = list(windows)
    found, plans = _city_list(windows)
    completed: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    low, high = min(w[0] for w in windows), max(w[1] for w in windows)
    for project_id, month, value in ProgressReport.objects.filter(
        project_id__in=[p.pk for p in found], month_key__range=(low, high)
    ).values_list("project_id", "month_key", "completed_investment"):
        completed[project_id].append((month, value))

    def pick(p, w):
        if (p.pk, year_of(w[1])) not in plans:
            return None
        return _yi(sum((v for m, v in completed[p.pk] if w[0] <= m <= w[1]), Decimal(0)))

    return _answer(
        org_ids,
        windows,
        found,
        pick,
        _money_record,
        "市级重点项目期内各月完成投资之和",
        _listed_years(plans),
    )


# --- talent -----------------------------------------------------------------------------


def talents_selected(org_ids, windows) -> Answer:
    windows = list(windows)
    found = list(
        TalentAward.objects.filter(
            status=AwardStatus.SELECTED,
            programme__level=TalentLevel.ZONE,
            announced_on__range=_span(windows),
        )
        .select_related("programme")
        .order_by("pk")
    )
    return _answer(
        org_ids,
        windows,
        found,
        lambda a, w: Decimal(1) if _in(a.announced_on, w) else None,
        lambda a, _v: LedgerRecord(f"{a.person_name}（{a.programme.name}）"),
        "期内入选本区人才项目的人数",
    )


def talent_subsidies(org_ids, windows) -> Answer:
    windows = list(windows)
    found = list(
        TalentSubsidy.objects.filter(paid_on__range=_span(windows))
        .select_related("award")
        .order_by("pk")
    )
    for subsidy in found:
        subsidy.org_unit_id = subsidy.award.org_unit_id
    return _answer(
        org_ids,
        windows,
        found,
        lambda s, w: s.amount if _in(s.paid_on, w) else None,
        lambda s, v: LedgerRecord(f"{s.award.person_name} {s.paid_on.isoformat()}", "", v),
        "期内发放的人才补助资助资金之和",
    )


# --- the registry -----------------------------------------------------------------------


def _metric(code, name_zh, name_en, unit, ledger, decimals=None, time="sum") -> Metric:
    return Metric(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        decimals=decimals if decimals is not None else (0 if unit in ("个", "名") else 2),
        time_aggregation=time,
        unit_aggregation="sum",
        ledger=ledger,
    )


METRICS = [
    _metric("projects_signed", "新签约项目", "Projects signed", "个", projects_signed),
    _metric(
        "contract_investment_signed",
        "合同投资额",
        "Contracted investment of projects signed",
        "亿元",
        contract_investment_signed,
    ),
    _metric("projects_started", "新开工项目", "Projects started", "个", projects_started),
    _metric(
        "total_investment_started",
        "新开工项目总投资",
        "Total investment of projects started",
        "亿元",
        total_investment_started,
    ),
    _metric(
        "funds_received_started",
        "新开工项目到位资金",
        "Funds received by projects started",
        "亿元",
        funds_received_started,
    ),
    _metric(
        "key_projects_continuing",
        "重点续建项目",
        "Continuing key projects",
        "个",
        key_projects_continuing,
        time="none",
    ),
    _metric(
        "funds_received_continuing",
        "重点续建项目到位资金",
        "Funds received by continuing key projects",
        "亿元",
        funds_received_continuing,
    ),
    _metric(
        "light_asset_projects",
        "新引进轻资产项目",
        "Light-asset projects introduced",
        "个",
        light_asset_projects,
    ),
    _metric(
        "key_projects_city",
        "市级重点项目",
        "City-level key projects",
        "个",
        key_projects_city,
        time="last",
    ),
    _metric(
        "key_projects_total_investment",
        "市级重点项目总投资",
        "Total investment of city-level key projects",
        "亿元",
        key_projects_total_investment,
        time="last",
    ),
    _metric(
        "key_projects_completed_investment",
        "市级重点项目完成投资",
        "Investment completed by city-level key projects",
        "亿元",
        key_projects_completed_investment,
    ),
    _metric(
        "talents_selected",
        "评选产业领军人才",
        "Talents selected by the zone's programmes",
        "名",
        talents_selected,
    ),
    _metric(
        "talent_subsidies",
        "发放人才补助资助资金",
        "Talent subsidies paid",
        "万元",
        talent_subsidies,
    ),
]
