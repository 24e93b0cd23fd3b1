"""Shared fixtures. Keep each fixture small and documented; files append their own."""

from __future__ import annotations

import os
import tempfile

import pytest

from mobilstation.geo import District, load_district


def pytest_configure(config: pytest.Config) -> None:
    """Keep the travel-matrix cache of a test run away from the user's own cache.

    Set before test workers start, so they share one cache for the run (a
    matrix computed by one worker is reused by the others), and nothing the
    suite writes outlives it in ``~/.cache``.
    """
    if "MOBILSTATION_CACHE" not in os.environ:
        os.environ["MOBILSTATION_CACHE"] = tempfile.mkdtemp(prefix="mobilstation-test-cache-")
    # the suite reads what a planner reads by default: Danish, whatever the developer's own setting
    os.environ.pop("MOBILSTATION_LANG", None)


@pytest.fixture(scope="session")
def nordjylland() -> District:
    """The embedded Nordjyllands Politi district (loaded once per test session)."""
    return load_district("Nordjyllands Politi")


# -- every plan a test makes is held to the independent plan checker (see ``plan_guard``); installed at
# import, before any test module binds ``build_plan``

import plan_guard  # noqa: E402

plan_guard.install()


# -- the quick plan, planned once per test run through the CLI (test_cli, test_api, test_pipeline)

from fixtures.quick import QUICK_SCENARIO, QUICK_SEED, QUICK_WORK_LIMIT  # noqa: E402


@pytest.fixture(scope="session")
def quick_plan(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``mobilstation plan scenarios/quick.yaml --work-limit 200 --seed 1`` run once, in process.

    Returns the typer ``Result`` with ``out_dir`` (the written output directory) attached.
    """
    from typer.testing import CliRunner

    from mobilstation.cli import app

    out_dir = tmp_path_factory.mktemp("quick_plan") / "week49"
    args = ["plan", str(QUICK_SCENARIO), "--out", str(out_dir)]
    args += ["--work-limit", str(QUICK_WORK_LIMIT), "--seed", str(QUICK_SEED)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    result.out_dir = out_dir  # type: ignore[attr-defined]
    return result
