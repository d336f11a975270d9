"""Metric codes that are not data elements but may carry targets (年度计划/任务).

Targets are keyed by metric code. A data element's code is known to ``stats``; a ledger
metric's is not (``metrics`` sits above ``stats`` and ledgers above ``metrics``), so whoever
knows the ledger metrics registers a provider here when it starts, and the workbook accepts
targets for those codes too.
"""

from __future__ import annotations

from collections.abc import Callable

#: code → the id of the department that owns the metric (None: the zone administrators')
TargetCodes = dict[str, int | None]

_providers: list[Callable[[], TargetCodes]] = []


def register_target_codes(provider: Callable[[], TargetCodes]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister_target_codes(provider: Callable[[], TargetCodes]) -> None:
    if provider in _providers:
        _providers.remove(provider)


def extra_target_codes() -> TargetCodes:
    """Every registered code and its owning department, asked afresh on each call."""
    codes: TargetCodes = {}
    for provider in _providers:
        codes.update(provider())
    return codes
