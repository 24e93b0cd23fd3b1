"""``plan.json``: the plan record on disk, the single source of every other output.

Written atomically in UTF-8 (Danish names as they are, ``ensure_ascii`` off)
with the model's field order, so two runs of the same plan give the same
bytes and a diff of two plans reads field by field.
"""

from __future__ import annotations

from pathlib import Path

from mobilstation._io import atomic_write_text
from mobilstation.plan import PlanRecord

PLAN_FILE = "plan.json"


def write_plan_json(plan: PlanRecord, path: str | Path) -> Path:
    """Write ``plan`` to ``path`` (a file, or a directory to hold ``plan.json``)."""
    p = Path(path)
    if p.is_dir():
        p = p / PLAN_FILE
    return atomic_write_text(p, plan.to_json())


def read_plan(path: str | Path) -> PlanRecord:
    """Read a ``plan.json`` file or an output directory holding one.

    Raises :class:`~mobilstation.errors.InputError` naming the file when it is
    missing or does not validate.
    """
    return PlanRecord.read(path)
