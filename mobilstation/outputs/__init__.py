"""What people get from a plan: plan.json, tables, workbook, calendars, day sheets, GeoPackage, maps.

The public schedule (:mod:`.public`) is the one output meant for citizens; every
other file is internal to the police and says so on its face.

Everything here derives from :class:`mobilstation.plan.PlanRecord` alone.
The public entry points are imported lazily (attribute access), so importing
one output module does not load every writer's dependencies.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "write_outputs": "mobilstation.outputs.write",
    "write_plan_json": "mobilstation.outputs.plan_json",
    "read_plan": "mobilstation.outputs.plan_json",
    "visits_frame": "mobilstation.outputs.tables",
    "crews_frame": "mobilstation.outputs.tables",
    "hours_frame": "mobilstation.outputs.tables",
    "kpis_json": "mobilstation.outputs.tables",
    "read_table": "mobilstation.outputs.tables",
    "write_schedule_xlsx": "mobilstation.outputs.xlsx",
    "write_calendars": "mobilstation.outputs.calendars",
    "calendar_state": "mobilstation.outputs.calendars",
    "write_daysheets": "mobilstation.outputs.daysheets",
    "write_public": "mobilstation.outputs.public",
    "write_gpkg": "mobilstation.outputs.gpkg",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mobilstation.outputs' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
