"""Override paths with list items: ``vehicles[1].days=...`` reaches into the scenario's list."""

from __future__ import annotations

import pytest

from mobilstation.errors import ScenarioError
from mobilstation.overrides import set_items, show, split_path

DATA = {
    "solver": {"seed": 1},
    "vehicles": [
        {"id": "bil1", "days": ["mon", "tue"], "home": {"place": "Aalborg"}},
        {"id": "bil2", "days": ["mon"], "home": {"place": "Hjørring"}},
    ],
    "empty": [],
}


def test_paths_split_into_fields_and_positions() -> None:
    assert split_path("vehicles[1].days") == ("vehicles", 1, "days")
    assert split_path("quotas.Læsø.min_visits") == ("quotas", "Læsø", "min_visits")
    assert split_path("a[0][2].b") == ("a", 0, 2, "b")
    assert show(("vehicles", 1, "home", "place")) == "vehicles[1].home.place"


@pytest.mark.parametrize("path", ["vehicles[x].days", "vehicles[-1].days", "vehicles..days", "[1]", "a[1"])
def test_malformed_paths_are_named(path: str) -> None:
    with pytest.raises(ScenarioError, match="vehicles|\\[1\\]|a\\[1"):
        split_path(path)


def test_an_item_field_is_replaced_and_the_rest_kept() -> None:
    out, done = set_items(DATA, {"vehicles[1].days": ["wed", "fri"]})
    assert out["vehicles"][1] == {"id": "bil2", "days": ["wed", "fri"], "home": {"place": "Hjørring"}}
    assert out["vehicles"][0] == DATA["vehicles"][0]
    assert done == [("vehicles", 1, "days")]
    assert DATA["vehicles"][1]["days"] == ["mon"]  # the input is not changed


def test_a_mapping_merges_into_an_item() -> None:
    out, _ = set_items(DATA, {"vehicles[0]": {"home": {"place": "Brovst"}}})
    assert out["vehicles"][0] == {"id": "bil1", "days": ["mon", "tue"], "home": {"place": "Brovst"}}
    out, _ = set_items(DATA, {"vehicles[0].home.lat": 57.1})
    assert out["vehicles"][0]["home"] == {"place": "Aalborg", "lat": 57.1}


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("vehicles[2].days", "vehicles har 2 element(er), nummereret 0 til 1"),
        ("solver[0]", "solver er ikke en liste"),
        ("empty[0]", "empty er tom"),
        ("officers[0].id", "scenariet har ingen officers"),
        ("vehicles[0].days.x", "vehicles[0].days er ikke en samling af felter"),
    ],
)
def test_a_missing_item_is_named(path: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as err:
        set_items(DATA, {path: 1})
    assert fragment in str(err.value) and str(err.value).startswith(path)


# -- through the scenario loader and the command line ---------------------------------------------

from pathlib import Path  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from mobilstation.cli import app  # noqa: E402
from mobilstation.scenario import load_scenario  # noqa: E402

QUICK = Path(__file__).resolve().parents[1] / "scenarios" / "quick.yaml"


def test_the_loader_sets_one_vehicles_days() -> None:
    s = load_scenario(QUICK, overrides={"vehicles[1].days": ["mandag", "onsdag"], "solver.seed": 9})
    assert s.vehicles[1].days == [1, 3] and s.vehicles[0].days is None and s.solver.seed == 9
    assert s._origins[("vehicles", 1, "days")] == "overrides"


def test_set_with_a_list_item_on_the_command_line() -> None:
    ok = CliRunner().invoke(app, ["validate", str(QUICK), "--set", "vehicles[1].home=aalborg-politigaard"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(app, ["validate", str(QUICK), "--set", "vehicles[1].home=Hjøring"])
    assert bad.exit_code == 2
    assert "overrides: vehicles[1].home:" in bad.output and "Hjørring" in bad.output
    missing = CliRunner().invoke(app, ["validate", str(QUICK), "--set", "vehicles[2].days=[mandag]"])
    assert missing.exit_code == 2
    assert "vehicles har 2 element(er), nummereret 0 til 1" in missing.output
