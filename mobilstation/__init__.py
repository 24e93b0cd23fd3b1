"""mobilstation: weekly plans for mobile police stations and lokalbetjent hours.

The district is data and the week is a scenario file; see :mod:`mobilstation.api`
for the Python API (the same functions the ``mobilstation`` command uses)::

    from mobilstation import api
    plan = api.plan("scenarios/nordjylland.yaml")
    plan.kpis          # presence per municipality
    plan.map()         # interactive map
    plan.save("out/week49")

    from mobilstation import load_district
    district = load_district("Nordjyllands Politi")  # or by number: 1

The names below are imported on first use, so ``import mobilstation`` stays
cheap (the geodata and solver stacks load only when needed).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["Plan", "__version__", "load_district", "load_scenario", "validate"]


def __getattr__(name: str) -> Any:
    # ``plan`` is not re-exported: ``mobilstation.plan`` is the plan-record module.
    if name in ("Plan", "load_scenario", "validate"):
        from mobilstation import api

        return getattr(api, name)
    if name == "load_district":
        from mobilstation.geo.district import load_district

        return load_district
    raise AttributeError(f"module 'mobilstation' has no attribute {name!r}")
