"""Every update service of every package states the version it read and goes through the
one helper (``core.versioning.versioned_update``): called on a real row of the demo with a
stale version, each refuses with ConcurrentEditError and writes nothing.

This lives with the API, the package that assembles all the others, because it walks every
package's services.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from kaifaqu.carriers.models import Building, BuildingUnit, LandParcel
from kaifaqu.consultations.models import Consultation, Status
from kaifaqu.core.models import AuditEntry, Versioned
from kaifaqu.core.versioning import ConcurrentEditError
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.investment.models import (
    FollowUp,
    FundTranche,
    KeyProjectPlan,
    Lead,
    LeadStatus,
    ProgressReport,
    Project,
    TalentAward,
)
from kaifaqu.orgs.models import OrgUnit, ProfileFact
from kaifaqu.portal.models import Policy, PolicyStatus
from kaifaqu.reports.models import NarrativeBlock
from kaifaqu.stats.models import DataElement, DataValue, Target, ValidationRule

PACKAGES = [
    "core",
    "orgs",
    "stats",
    "enterprises",
    "carriers",
    "investment",
    "portal",
    "consultations",
    "reports",
]

#: Writes that change an existing row without being named ``*_update``.
OTHER_CHANGES = {
    "value_save",
    "target_save",
    "key_project_plan_save",
    "progress_report_save",
    "block_save",
    "carrier_reserve",
    "carrier_take",
    "carrier_release",
    "project_move",
    "lead_close",
    "lead_convert",
    "policy_publish",
    "policy_revise",
    "policy_withdraw",
    "consultation_reply",
    "consultation_close",
    "consultation_reassign",
    "consultation_convert",
}

#: Services that change existing rows and state no version, and why.
NO_VERSION = {
    # Not versioned records: no one edits them from a page that could go stale.
    "user_update": "accounts (core.User) are not versioned; their administrator edits them",
    "visitor_update": "a visitor's own contact details: only they change them",
    "progress_issue_resolve": "a problem is marked solved once; a second time is refused",
    # Writes the system makes on someone's behalf, through the helper with CURRENT.
    "lead_record": "an enquiry is added to the open lead as stored (versioned_update, CURRENT)",
    "consultation_visitor_reply": "the visitor's space shows no version (versioned_update, "
    "CURRENT)",
    # Many rows at once, audited as one row; they bump each version, so an edit begun
    # before them is refused.
    "leads_forget_contacts": "anonymising a visitor's leads in bulk",
    "project_merge": "folds two projects, each bumped; refuses a record merged already",
}


def _service_modules() -> list:
    found = []
    for package in PACKAGES:
        module = importlib.import_module(f"kaifaqu.{package}.services")
        found.append(module)
        if hasattr(module, "__path__"):
            for info in pkgutil.iter_modules(module.__path__):
                found.append(importlib.import_module(f"{module.__name__}.{info.name}"))
    return found


def _services() -> dict[str, Callable]:
    """Every public function defined in a services module, by name."""
    found: dict[str, Callable] = {}
    for module in _service_modules():
        for name, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and not name.startswith("_")
                and value.__module__ == module.__name__
            ):
                found[name] = value
    return found


SERVICES = _services()
UPDATES = sorted(name for name in SERVICES if name.endswith("_update") and name not in NO_VERSION)
VERSIONED = sorted({*UPDATES, *OTHER_CHANGES})


def test_every_update_service_is_known_here():
    """A new update service must be added to the walk below (or say why it needs none)."""
    services = set(SERVICES)
    assert set(NO_VERSION) <= services
    assert services >= OTHER_CHANGES
    walked = set(CASES)
    assert walked == set(VERSIONED)


@pytest.mark.parametrize("name", VERSIONED)
def test_each_update_takes_a_required_version(name):
    parameter = inspect.signature(SERVICES[name]).parameters.get("version")
    assert parameter is not None, f"{name} takes no version"
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty, f"{name}'s version has a default"


def test_the_version_is_bumped_in_one_place():
    """No services module bumps a version itself, but the bulk writes named above."""
    bumps: dict[str, int] = {}
    for module in _service_modules():
        source = Path(module.__file__).read_text()
        for match in re.finditer(r"^def (\w+)|(\w+)\.version \+= 1", source, re.M):
            if match.group(1):
                current = match.group(1)
            else:
                bumps.setdefault(current, 0)
                bumps[current] += 1
    assert bumps == {"leads_forget_contacts": 1, "project_merge": 2}


# --- each update, on a real row, with a stale version ---------------------------------------


def _first(model: type[models.Model], *order: str, **where) -> Any:
    row = model._default_manager.filter(**where).order_by(*order or ["pk"]).first()
    assert row is not None, f"the demo has no {model.__name__} {where}"
    return row


def _draft(demo) -> Policy:
    from kaifaqu.portal.services import policy_create

    return policy_create(
        actor=None,
        department=demo.departments["investment"],
        category=_first(Policy).category,
        title="草稿",
        issuer="管委会",
        issued_on=date(2017, 1, 1),
        valid_from=date(2017, 1, 1),
        body="正文。",
    )


#: name → demo → (the row whose version is checked, the call's arguments but the version)
CASES: dict[str, Callable[[Any], tuple[Versioned, dict]]] = {
    "orgunit_update": lambda d: (u := _first(OrgUnit), {"unit": u, "name": "改"}),
    "profile_fact_update": lambda d: (f := _first(ProfileFact), {"fact": f, "source": "改"}),
    "element_update": lambda d: (e := _first(DataElement), {"element": e, "name_en": "x"}),
    "rule_update": lambda d: (r := _first(ValidationRule), {"rule": r, "name": "改"}),
    "value_save": lambda d: (
        v := _first(DataValue),
        {"element": v.element, "org_unit": v.org_unit, "period": v.period, "value": v.value + 1},
    ),
    "target_save": lambda d: (
        t := _first(Target),
        {
            "metric_code": t.metric_code,
            "org_unit": t.org_unit,
            "year": t.year,
            "value": t.value + 1,
            "department_id": None,
        },
    ),
    "enterprise_update": lambda d: (e := _first(Enterprise), {"enterprise": e, "address": "改"}),
    "land_parcel_update": lambda d: (p := _first(LandParcel), {"parcel": p, "note": "改"}),
    "building_update": lambda d: (b := _first(Building), {"building": b, "note": "改"}),
    "building_unit_update": lambda d: (u := _first(BuildingUnit), {"unit": u, "note": "改"}),
    "carrier_reserve": lambda d: (p := _first(LandParcel), {"carrier": p}),
    "carrier_take": lambda d: (p := _first(LandParcel), {"carrier": p}),
    "carrier_release": lambda d: (p := _first(LandParcel), {"carrier": p}),
    "project_update": lambda d: (
        p := _first(Project, merged_into__isnull=True),
        {"project": p, "note": "改"},
    ),
    "project_move": lambda d: (
        p := _first(Project, merged_into__isnull=True),
        {"project": p, "to": "dropped", "on": timezone.localdate(), "reason": "测试"},
    ),
    "followup_update": lambda d: (f := _first(FollowUp), {"follow_up": f, "note": "改"}),
    "tranche_update": lambda d: (t := _first(FundTranche), {"tranche": t, "voucher_note": "改"}),
    "talent_award_update": lambda d: (a := _first(TalentAward), {"award": a, "note": "改"}),
    "key_project_plan_save": lambda d: (
        p := _first(KeyProjectPlan),
        {"project": p.project, "year": p.year, "annual_plan": p.annual_plan + 1},
    ),
    "progress_report_save": lambda d: (
        r := _first(ProgressReport),
        {"project": r.project, "month": r.month, "completed_investment": 1},
    ),
    "lead_close": lambda d: (
        lead := _first(Lead, status=LeadStatus.OPEN),
        {"lead": lead, "reason": "测试"},
    ),
    "lead_convert": lambda d: (
        lead := _first(Lead, status=LeadStatus.OPEN),
        {"lead": lead, "project_name": "测试", "org_unit": _first(OrgUnit, code="371471101")},
    ),
    "policy_update": lambda d: (p := _draft(d), {"policy": p, "title": "改"}),
    "policy_publish": lambda d: (p := _draft(d), {"policy": p}),
    "policy_revise": lambda d: (
        p := _first(Policy, status=PolicyStatus.PUBLISHED),
        {"policy": p, "body": "新正文。", "changes": "测试"},
    ),
    "policy_withdraw": lambda d: (
        p := _first(Policy, status=PolicyStatus.PUBLISHED),
        {"policy": p, "reason": "测试"},
    ),
    "consultation_reply": lambda d: (
        c := _first(Consultation, status__in=[Status.NEW, Status.REPLIED]),
        {"consultation": c, "body": "您好。"},
    ),
    "consultation_close": lambda d: (
        c := _first(Consultation, status__in=[Status.NEW, Status.REPLIED]),
        {"consultation": c},
    ),
    "consultation_reassign": lambda d: (
        c := _first(Consultation, officer__isnull=False),
        {"consultation": c, "officer": c.officer},
    ),
    "consultation_convert": lambda d: (
        c := _first(Consultation, lead__status=LeadStatus.OPEN),
        {"consultation": c, "project_name": "测试", "org_unit": _first(OrgUnit, code="371471101")},
    ),
    "block_save": lambda d: (
        b := _first(NarrativeBlock, "-version", "pk"),
        {
            "report_type": b.report_type,
            "org_unit": b.org_unit,
            "period": b.period,
            "key": b.key,
            "text": "改",
        },
    ),
}


def _counts() -> dict[str, int]:
    models_: set[type[models.Model]] = {
        DataValue,
        Target,
        KeyProjectPlan,
        ProgressReport,
        NarrativeBlock,
        Project,
    }
    return {m.__name__: m._default_manager.count() for m in models_} | {
        "audit": AuditEntry.objects.count()
    }


@pytest.mark.parametrize("name", VERSIONED)
def test_each_update_refuses_a_stale_version_and_writes_nothing(demo, name):
    row, arguments = CASES[name](demo)
    stale = row.version + 1  # the system may change anything: only the version refuses
    before, counts = row.version, _counts()
    with pytest.raises(ConcurrentEditError):
        SERVICES[name](actor=None, version=stale, **arguments)
    row.refresh_from_db()
    assert row.version == before
    assert _counts() == counts
