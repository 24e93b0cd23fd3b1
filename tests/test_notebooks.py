"""The analysts' notebooks as committed: valid, stripped of outputs, and parameterised for short runs.

Running them is nbmake's job (``pytest --nbmake notebooks``; limits set in
``notebooks/conftest.py``). These checks keep what nbmake cannot see: that no
output (maps of hundreds of kilobytes, plans with officers' names) is
committed, and that each notebook's first code cell is the ``parameters``
cell reading the solver limits from the environment.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {"01_quickstart.ipynb", "02_tune_weights.ipynb", "03_compare_scenarios.ipynb"}


def test_the_three_notebooks_are_there() -> None:
    assert {p.name for p in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {i} has outputs (strip them before committing)"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"
            ast.parse(cell.source)  # valid Python (a syntax error would only show when run)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_parameters_cell(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    # without the environment: the analyst's defaults
    monkeypatch.delenv("MOBILSTATION_NB_TIME_LIMIT", raising=False)
    monkeypatch.delenv("MOBILSTATION_NB_WORK_LIMIT", raising=False)
    names: dict[str, object] = {}
    exec(compile(first.source, f"{path.name}[parameters]", "exec"), names)
    assert names["TIME_LIMIT"] == 20 and names["WORK_LIMIT"] is None
    # with it: what the test run uses
    monkeypatch.setenv("MOBILSTATION_NB_TIME_LIMIT", "2.5")
    monkeypatch.setenv("MOBILSTATION_NB_WORK_LIMIT", "40")
    names = {}
    exec(compile(first.source, f"{path.name}[parameters]", "exec"), names)
    assert names["TIME_LIMIT"] == 2.5 and names["WORK_LIMIT"] == 40


def test_notebook_conftest_sets_short_limits() -> None:
    text = (ROOT / "notebooks" / "conftest.py").read_text(encoding="utf-8")
    env: dict[str, str] = {}
    saved = dict(os.environ)
    try:
        for key in ("MOBILSTATION_NB_TIME_LIMIT", "MOBILSTATION_NB_WORK_LIMIT"):
            os.environ.pop(key, None)
        exec(compile(text, "notebooks/conftest.py", "exec"), {})
        env = {k: os.environ[k] for k in ("MOBILSTATION_NB_TIME_LIMIT", "MOBILSTATION_NB_WORK_LIMIT")}
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert float(env["MOBILSTATION_NB_TIME_LIMIT"]) <= 10
    assert int(env["MOBILSTATION_NB_WORK_LIMIT"]) > 0
