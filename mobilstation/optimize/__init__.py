"""The weekly optimisation: routes, crews and lokalbetjent hours for one week.

``specs`` holds the typed parameters; :func:`plan_week` (in ``week``) turns
sites, vehicles, officers and travel into routes, a roster and hours. The
solver modules are imported on first use so that reading the parameter
models stays cheap.
"""

from __future__ import annotations

from typing import Any

from mobilstation.optimize.specs import (
    Officer,
    PatrolSettings,
    Quota,
    SolverSettings,
    Vehicle,
    WeekSettings,
)

__all__ = [
    "Officer",
    "PatrolSettings",
    "Quota",
    "SolverSettings",
    "Vehicle",
    "WeekResult",
    "WeekSettings",
    "plan_week",
]


def __getattr__(name: str) -> Any:
    if name in ("plan_week", "WeekResult"):
        from mobilstation.optimize import week

        return getattr(week, name)
    raise AttributeError(f"module 'mobilstation.optimize' has no attribute {name!r}")
