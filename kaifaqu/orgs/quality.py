"""Data-quality rules on a unit's profile: warnings a reader should see, not errors."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import OrgUnit
from .models import ProfileFactKey as K
from .selectors import current_profile_facts


@dataclass(frozen=True)
class QualityWarning:
    rule: str
    message: str


def check_profile(unit: OrgUnit) -> list[QualityWarning]:
    facts = {f.key: f for f in current_profile_facts(unit)}
    warnings: list[QualityWarning] = []

    population, agri, non_agri = (
        facts.get(k) for k in (K.POPULATION, K.AGRICULTURAL, K.NON_AGRICULTURAL)
    )
    if population and agri and non_agri and agri.value + non_agri.value != population.value:
        warnings.append(
            QualityWarning(
                "population_breakdown",
                _(
                    "Agricultural (%(agri)s) and non-agricultural (%(non)s) population add up "
                    "to %(sum)s, not the registered population of %(total)s."
                )
                % {
                    "agri": f"{agri.value:,.0f}",
                    "non": f"{non_agri.value:,.0f}",
                    "sum": f"{agri.value + non_agri.value:,.0f}",
                    "total": f"{population.value:,.0f}",
                },
            )
        )

    built, planned, area = (facts.get(k) for k in (K.BUILT_UP_AREA, K.PLANNED_AREA, K.AREA))
    if built and planned and built.value > planned.value:
        warnings.append(
            QualityWarning(
                "area_nesting",
                _("The built-up area (%(a)s km²) is larger than the planned area (%(b)s km²).")
                % {"a": f"{built.value:g}", "b": f"{planned.value:g}"},
            )
        )
    if planned and area and planned.value > area.value:
        warnings.append(
            QualityWarning(
                "area_nesting",
                _("The planned area (%(a)s km²) is larger than the total area (%(b)s km²).")
                % {"a": f"{planned.value:g}", "b": f"{area.value:g}"},
            )
        )
    return warnings
