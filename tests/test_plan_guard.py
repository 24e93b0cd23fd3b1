"""The guard that holds every plan made under test to the checker: installed, and it stops a lying plan."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import plan_guard
import pytest
from fixtures.quick import QUICK_SCENARIO

import mobilstation.pipeline as pipeline
from mobilstation.plan import PlanRecord
from mobilstation.scenario import load_scenario, resolve

ROOT = Path(__file__).resolve().parents[1]


def test_the_session_checks_every_plan() -> None:
    assert getattr(pipeline.build_plan, "checked_by_plan_guard", False)


def test_a_plan_that_lies_about_its_limits_is_stopped(
    quick_plan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert quick_plan.exit_code == 0, quick_plan.output
    honest = PlanRecord.read(quick_plan.out_dir)
    resolved = resolve(load_scenario(QUICK_SCENARIO))

    def lying_planner(resolved: Any, **kwargs: Any) -> PlanRecord:
        record = honest.model_copy(deep=True)
        for site in record.sites:
            site.weekly_max = 5  # ignores the maximum and writes a looser one into the record
        return record

    monkeypatch.setattr(pipeline, "build_plan", lying_planner)
    plan_guard.install()
    assert pipeline.build_plan is not lying_planner
    with pytest.raises(AssertionError, match=r"weekly_max is 5 in the plan, 1 in the scenario"):
        pipeline.build_plan(resolved)


def test_notebook_kernels_get_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """notebooks/conftest.py writes an IPython startup file that installs the guard in each kernel."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("nb_conftest", ROOT / "notebooks" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("IPYTHONDIR", "restored-after-the-test")
    module._check_every_plan()
    startup = Path(os.environ["IPYTHONDIR"]) / "profile_default" / "startup" / "00-plan-checker.py"
    code = startup.read_text(encoding="utf-8")
    code += "import mobilstation.pipeline as p\nassert p.build_plan.checked_by_plan_guard\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
