"""``validate`` rejects every bad input ``plan`` rejects (exit 2), with the same message naming file and field.

A planner runs ``validate`` to learn whether ``plan`` will accept the week;
each case here is a scenario ``plan`` refuses as bad input, and ``validate``
must refuse it too, naming the same file and field, while ``plan`` leaves no
output behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mobilstation.cli import app

ROOT = Path(__file__).resolve().parents[1]
QUICK = ROOT / "scenarios" / "quick.yaml"

ZERO_WEIGHTS = "{population: 0, remoteness: 0, burglary: 0, trend: 0, recency: 0, urgency: 0}"

# case id -> (YAML added over quick.yaml, the field the message must name, extra files to write)
CASES: dict[str, tuple[str, str, dict[str, str]]] = {
    "no days": ("days: []\n", "days", {}),
    "all weights zero": (f"weights: {ZERO_WEIGHTS}\n", "weights", {}),
    "unknown vehicle home": (
        "vehicles:\n  - {id: bil1, home: aalborg-politigaard}\n  - {id: bil2, home: Atlantis}\n",
        "vehicles[1].home",
        {},
    ),
    "unknown officer station": (
        "officers_file: null\nofficers:\n  - {id: A1, station: aalborg-politigaard}\n"
        "  - {id: A2, station: Atlantis}\n",
        "officers[1].station",
        {},
    ),
    "unknown absent officer": ("absent_officers: [nobody]\n", "absent_officers", {}),
    "quota for an unknown municipality": ("quotas:\n  Atlantis: {min_visits: 1}\n", "quotas.Atlantis", {}),
    "pin on an unknown place": ("pinned:\n  - {site: Atlantis, date: 2026-12-01}\n", "pinned[0].site", {}),
    "place pinned twice": (
        "pinned:\n  - {site: Skagen, date: 2026-12-01}\n  - {site: Skagen, date: 2026-12-02}\n",
        "pinned[1].site",
        {},
    ),
    "pin outside the week": ("pinned:\n  - {site: Skagen, date: 2026-12-09}\n", "pinned[0].date", {}),
    "pin on an unknown vehicle": (
        "pinned:\n  - {site: Skagen, date: 2026-12-01, vehicle: bil9}\n",
        "pinned[0].vehicle",
        {},
    ),
    "request no road reaches": (
        "requests: island.csv\n",
        "requests",
        {
            # Hirsholmene: inside Frederikshavn municipality, no bridge or car ferry
            "island.csv": "id,type,lat,lon,window,date,deadline,name,note\n"
            "X-1,local_officer,57.4870,10.6210,13:00-15:00,2026-12-01,2026-12-01,Hirsholmene,test\n",
        },
    ),
    "ledger that is a folder": ("ledger: ledger-folder\n", "ledger", {"ledger-folder/": ""}),
}


def run(*args: Any) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("case", list(CASES))
def test_validate_rejects_what_plan_rejects(case: str, tmp_path: Path) -> None:
    body, field, files = CASES[case]
    for name, text in files.items():
        if name.endswith("/"):
            (tmp_path / name).mkdir()
        else:
            (tmp_path / name).write_text(text, encoding="utf-8")
    scenario = tmp_path / "week.yaml"
    scenario.write_text(f"include: {QUICK}\n{body}", encoding="utf-8")
    out = tmp_path / "out"

    planned = run("plan", scenario, "--out", out, "--work-limit", 1, "--quiet")
    assert planned.exit_code == 2, planned.output
    assert not out.exists()
    validated = run("validate", scenario)
    assert validated.exit_code == 2, validated.output
    assert _flat(validated.output) == _flat(planned.output)
    assert f"{scenario}: {field}: " in _flat(validated.output)


def test_all_zero_weights_from_overrides_name_the_overrides(tmp_path: Path) -> None:
    # the weights mapping was last changed by --set, so the message names it, not the file that set them first
    sets = [f"weights.{k}=0" for k in ("population", "remoteness", "burglary", "trend", "recency", "urgency")]
    args = [a for s in sets for a in ("--set", s)]
    validated = run("validate", QUICK, *args)
    planned = run("plan", QUICK, "--out", tmp_path / "out", "--work-limit", 1, "--quiet", *args)
    assert validated.exit_code == planned.exit_code == 2
    assert _flat(validated.output) == _flat(planned.output)
    assert "overrides: weights: alle vægte" in _flat(validated.output)
