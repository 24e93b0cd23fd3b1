"""Notebook runs under pytest (``pytest --nbmake notebooks``): short, reproducible solver limits.

Each notebook's first cell (tagged ``parameters``) reads
``MOBILSTATION_NB_TIME_LIMIT`` (seconds) and ``MOBILSTATION_NB_WORK_LIMIT``
(solver iterations). nbmake starts every kernel as a subprocess of the pytest
process, so setting them here, at import, reaches every notebook; a value
already in the environment wins. With a work limit the plans are the same on
every machine, and each notebook runs in well under a minute.

The travel-matrix cache goes to a temporary directory for the run, as for the
test suite (``tests/conftest.py``), when ``MOBILSTATION_CACHE`` is not set.
"""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("MOBILSTATION_NB_TIME_LIMIT", "5")
os.environ.setdefault("MOBILSTATION_NB_WORK_LIMIT", "50")


def pytest_configure(config: pytest.Config) -> None:
    """Set before test workers start, so every worker and kernel shares one cache for the run."""
    if "MOBILSTATION_CACHE" not in os.environ:
        os.environ["MOBILSTATION_CACHE"] = tempfile.mkdtemp(prefix="mobilstation-test-cache-")
    _check_every_plan()


def _check_every_plan() -> None:
    """Every plan a notebook makes under test goes through the plan checker (``tests/plan_guard.py``).

    Kernels are separate processes, so the check is installed by an IPython
    startup file in a profile made for the run: a plan breaking a rule stops
    the notebook there, with the rule named.
    """
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1] / "tests"
    ipython_dir = Path(tempfile.mkdtemp(prefix="mobilstation-nb-ipython-"))
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-plan-checker.py").write_text(
        f"import sys\nsys.path.insert(0, {str(tests)!r})\nimport plan_guard\nplan_guard.install()\n",
        encoding="utf-8",
    )
    os.environ["IPYTHONDIR"] = str(ipython_dir)
