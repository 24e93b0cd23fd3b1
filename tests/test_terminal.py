"""The terminal plumbing: a closed pipe is not a failed plan, the search counts down, modules stay apart."""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mobilstation import i18n
from mobilstation.console import _Countdown
from mobilstation.progress import Step

ROOT = Path(__file__).resolve().parents[1]
QUICK = ROOT / "scenarios" / "quick.yaml"


def _closed_pipe_run(args: list[str]) -> int:
    """Run ``python -m mobilstation ARGS`` with stdout a pipe its reader closes before anything is written."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mobilstation", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before the first table
    return proc.wait(timeout=600)


def test_validate_into_a_closed_pipe_is_not_exit_1() -> None:
    code = _closed_pipe_run(["validate", str(QUICK)])
    assert code in (0, -signal.SIGPIPE), code


def test_plan_into_a_closed_pipe_writes_the_plan_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = _closed_pipe_run(["plan", str(QUICK), "--out", str(out), "--work-limit", "30"])
    assert code == 0
    assert (out / "plan.json").is_file()


def test_progress_reaches_an_interactive_terminal(tmp_path: Path) -> None:
    """With a live status line (a terminal), every finished step is still printed: the status's
    redirection of stderr must not swallow what the console writes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    env |= {"TTY_INTERACTIVE": "1", "TTY_COMPATIBLE": "1"}  # rich draws its live status as on a terminal
    done = subprocess.run(
        [sys.executable, "-m", "mobilstation", "sites", str(QUICK), "--out", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stderr)  # colours and cursor moves
    assert "✓ mulige steder" in text and "skrevet til" in text


# -- the countdown ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _danish() -> None:
    i18n.set_language("da")
    yield
    i18n.set_language(None)


def test_a_timed_search_counts_down_its_seconds() -> None:
    step = Step("Søger ruter", deadline=time.perf_counter() + 4.0, limit_s=5.0)
    first = _Countdown(step).__rich__().plain
    assert first.startswith("Søger ruter ...") and "s tilbage af 5 s" in first
    left = float(first.split(" s tilbage")[0].rsplit(" ", 1)[1].replace(",", "."))
    assert 3.0 < left <= 4.0
    late = Step("Søger ruter", deadline=time.perf_counter() - 1.5, limit_s=5.0)
    assert "s over grænsen på 5 s" in _Countdown(late).__rich__().plain


def test_a_search_by_work_counts_down_its_iterations() -> None:
    spent = [0]
    step = Step("Søger ruter", work_limit=2000, work_done=lambda: spent[0])
    assert "2.000 af 2.000 iterationer tilbage" in _Countdown(step).__rich__().plain
    spent[0] = 1500
    assert "500 af 2.000 iterationer tilbage" in _Countdown(step).__rich__().plain
    i18n.set_language("en")
    assert "500 of 2,000 iterations left" in _Countdown(step).__rich__().plain


def test_a_plain_step_has_no_countdown() -> None:
    assert _Countdown("samler planen").__rich__().plain == "samler planen ..."


# -- modules ----------------------------------------------------------------------------------------


def _imports(module: str) -> set[str]:
    """Every ``mobilstation`` module ``module``'s source imports, at the top or inside functions."""
    path = ROOT / (module.replace(".", "/") + ".py")
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n.startswith("mobilstation")}


def test_cli_and_sweep_do_not_import_each_other() -> None:
    cli, sweep = _imports("mobilstation.cli"), _imports("mobilstation.sweep")
    assert not {n for n in cli if n == "mobilstation.sweep" or n.startswith("mobilstation.sweep.")}
    assert not {n for n in sweep if n == "mobilstation.cli" or n.startswith("mobilstation.cli.")}
    assert "mobilstation.sweep_command" in cli  # the command is still registered, from its own module
