"""Write every output of a plan into one directory, all or nothing.

The directory is built in a temporary sibling
(:func:`mobilstation._io.atomic_directory`) and renamed into place only when
every file is written, so a failure halfway leaves no partial directory and
an earlier plan in the same place untouched.

Contents (all derived from the plan record alone, plus the district's
municipality outlines for the GeoPackage and the maps):

* ``plan.json``; ``visits.csv``, ``crews.csv``, ``hours.csv``, ``kpis.json``
  (:mod:`.tables`); ``schedule.xlsx`` (:mod:`.xlsx`); ``calendars/*.ics``
  (:mod:`.calendars`, with ``calendars/aflysninger/`` after a re-plan);
  ``plan.gpkg`` (:mod:`.gpkg`); ``dagsplaner.html`` (:mod:`.daysheets`, crews);
  ``offentlig_plan.html`` and ``offentlig_plan.csv`` (:mod:`.public`, citizens);
* with ``maps=True``: ``map.html``, ``maps/<municipality>.html`` and
  ``index.html`` (:mod:`.maps`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mobilstation._io import atomic_directory
from mobilstation.i18n import t
from mobilstation.outputs.calendars import calendar_state, write_calendars
from mobilstation.outputs.daysheets import DAYSHEETS_FILE, write_daysheets
from mobilstation.outputs.gpkg import write_gpkg
from mobilstation.outputs.plan_json import PLAN_FILE, write_plan_json
from mobilstation.outputs.public import PUBLIC_CSV, PUBLIC_HTML, write_public
from mobilstation.outputs.tables import write_tables
from mobilstation.outputs.xlsx import SCHEDULE_FILE, write_schedule_xlsx
from mobilstation.plan import PlanRecord
from mobilstation.progress import Progress


def _load_district(plan: PlanRecord) -> Any:
    """The plan's district via :func:`mobilstation.geo.district.load_district`; None without a loader.

    A loader that exists but fails (unknown district, broken geodata) raises:
    the planner must hear about it.
    """
    try:
        from mobilstation.geo.district import load_district
    except ModuleNotFoundError as exc:
        if exc.name != "mobilstation.geo.district":
            raise
        return None
    return load_district(plan.scenario.district)


def write_outputs(
    plan: PlanRecord,
    out_dir: str | Path,
    *,
    maps: bool = True,
    progress: Progress | None = None,
    district: Any = None,
    previous: PlanRecord | None = None,
) -> Path:
    """Write all outputs of ``plan`` to ``out_dir`` atomically; return the directory.

    ``maps``: also write the interactive maps and the index page.
    ``progress``: called with the name of each output as it is written
    (e.g. to drive a CLI progress line).
    ``district``: the loaded :class:`~mobilstation.geo.model.District` for
    municipality outlines (GeoPackage, maps); None loads the plan's district
    (``plan.scenario.district``).
    ``previous``: the last published plan of the same week (a re-plan);
    the calendars then update its events (:mod:`.calendars`). The calendar
    state is stored in the written ``plan.json`` either way, so the next
    revision needs only this one.
    """

    def step(files: str) -> None:
        if progress is not None:
            progress(t("step.write", files=files))

    target = Path(out_dir)
    plan = plan.model_copy(update={"calendar": calendar_state(plan, previous)})
    with atomic_directory(target) as tmp:
        step(PLAN_FILE)
        write_plan_json(plan, tmp / PLAN_FILE)
        step("visits.csv, crews.csv, hours.csv, kpis.json")
        write_tables(plan, tmp)
        step(SCHEDULE_FILE)
        write_schedule_xlsx(plan, tmp / SCHEDULE_FILE)
        step("calendars/")
        write_calendars(plan, tmp)
        step(f"{DAYSHEETS_FILE}, {PUBLIC_HTML}, {PUBLIC_CSV}")
        write_daysheets(plan, tmp / DAYSHEETS_FILE)
        write_public(plan, tmp)
        if district is None:
            district = _load_district(plan)
        step("plan.gpkg")
        write_gpkg(plan, tmp / "plan.gpkg", district=district)
        if previous is not None:
            from mobilstation.outputs.changes import CHANGES_CSV, CHANGES_HTML, write_changes

            step(f"{CHANGES_CSV}, {CHANGES_HTML}")
            write_changes(previous, plan, tmp)
        if maps:
            from mobilstation.outputs.maps import write_maps

            step("map.html, maps/, index.html")
            write_maps(plan, tmp, district=district)
    return target.resolve()
