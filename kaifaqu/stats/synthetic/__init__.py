"""Synthetic statistics for benchmarks: a made-up city, its units, elements, values and targets.

The generator is deterministic: the same number of values, seed and number of units give
byte-identical rows (one ``random.Random(seed)`` drawn in a fixed order, integer arithmetic,
``Decimal`` values). Its rows are a stream: element after element, each year's months and
then that year's published cumulative windows, the units of a month in post-order (towns,
then their district; the districts, then the city). The stream is cut after exactly N values,
so the last element may be incomplete; every earlier one is complete.

What it makes, so that every path of the figure engine has something to do:

- a city ``SYN`` (合成测试市) with K districts ``SYN01``… and six towns each ``SYN0101``…;
  nothing else in the tree is touched;
- elements ``syn_0000``…, owned by 经济发展局 (or a department ``SYN`` where that does not
  exist), in groups of ten: a whole with no values of its own (the sum of its parts), two
  parts, a stock (家), a rate (%), a flow with published cumulative windows (1—2月, 1—8月,
  1—9月, which win over the sum of the months), and four plain flows;
- monthly values 2015-01…2017-12 for every unit: a district's flow or stock is the sum of its
  towns', the city's the sum of its districts' (so shares and ranks add up); rates are drawn
  for each unit;
- annual targets for 2017 (the year before's total plus 5–12 %) for the first part, the
  window flow and the first plain flow of each group.
"""

from .generation import (
    BATCH_SIZE,
    CITY_CODE,
    DEPARTMENT_CODE,
    DEPARTMENT_NAME,
    ELEMENT_PREFIX,
    FLOW,
    GROUP,
    KIND_NAMES,
    KINDS,
    MAX_ORGS,
    MAX_VALUES,
    ORDER_OFFSET,
    PART,
    RATE,
    STOCK,
    TARGET_YEAR,
    TARGETED,
    TOWNS_PER_UNIT,
    WHOLE,
    WINDOW_ENDS,
    WINDOWED,
    YEARS,
    ElementSpec,
    SyntheticDataExists,
    SyntheticResult,
    TargetRow,
    UnitSpec,
    ValueRow,
    checksum,
    element_code,
    element_kind,
    synthetic_plan,
    synthetic_rows,
    synthetic_units,
)
from .writing import (
    figure_request_mix,
    synthetic_counts,
    synthetic_element_ids,
    synthetic_generate,
    synthetic_unit_ids,
)

__all__ = [
    "BATCH_SIZE",
    "CITY_CODE",
    "DEPARTMENT_CODE",
    "DEPARTMENT_NAME",
    "ELEMENT_PREFIX",
    "FLOW",
    "GROUP",
    "KINDS",
    "KIND_NAMES",
    "MAX_ORGS",
    "MAX_VALUES",
    "ORDER_OFFSET",
    "PART",
    "RATE",
    "STOCK",
    "TARGETED",
    "TARGET_YEAR",
    "TOWNS_PER_UNIT",
    "WHOLE",
    "WINDOWED",
    "WINDOW_ENDS",
    "YEARS",
    "ElementSpec",
    "SyntheticDataExists",
    "SyntheticResult",
    "TargetRow",
    "UnitSpec",
    "ValueRow",
    "checksum",
    "element_code",
    "element_kind",
    "figure_request_mix",
    "synthetic_counts",
    "synthetic_element_ids",
    "synthetic_generate",
    "synthetic_plan",
    "synthetic_rows",
    "synthetic_unit_ids",
    "synthetic_units",
]
