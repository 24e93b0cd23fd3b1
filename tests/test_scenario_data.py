"""A scenario brings its own stations and links, names stations by town, and is checked on load.

Fast: these resolve scenarios against the district data but plan nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mobilstation.errors import ScenarioError
from mobilstation.scenario import load_scenario, resolve

STATION_COLUMNS = "id,name,address,komkode,lat,lon,kind,town,source\n"
LINK_COLUMNS = "id,name,kind,a_name,a_lat,a_lon,b_name,b_lat,b_lon,crossing_min,wait_min\n"


def _scenario(tmp_path: Path, **extra: Any) -> Path:
    data: dict[str, Any] = {
        "district": "Midt- og Vestjyllands Politi",
        "week": "2026-W49",
        "vehicles": [{"id": "bil1", "home": "Holstebro"}, {"id": "bil2", "home": "Viborg"}],
        "officers": [{"id": "a", "station": "Holstebro"}, {"id": "b", "station": "Viborg"}],
    }
    data.update(extra)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_vans_and_officers_by_town_get_the_towns_station(tmp_path: Path) -> None:
    r = resolve(load_scenario(_scenario(tmp_path)))
    assert [v.depot_id for v in r.vehicles] == ["holstebro", "viborg"]
    assert [o.station_id for o in r.officers] == ["holstebro", "viborg"]
    assert not [w for w in r.warnings if "er en by, ikke en politistation" in w]


def test_a_town_with_several_stations_is_ambiguous_for_an_officer(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        district="Københavns Politi",
        vehicles=[{"id": "bil1", "home": "Tårnby"}],
        officers=[{"id": "a", "station": "København"}],
    )
    with pytest.raises(ScenarioError) as err:
        resolve(load_scenario(path))
    msg = str(err.value)
    assert "officers[0].station" in msg and "ingen station ved navn 'København'" in msg
    assert "'koebenhavn-politigaarden'" in msg and "'station-city'" in msg
    assert "'koebenhavn-hovedbanegaarden'" in msg


def test_stations_file_adds_a_station_an_officer_can_name_by_town(tmp_path: Path) -> None:
    (tmp_path / "stations.csv").write_text(
        STATION_COLUMNS + "lemvig,Politikontor Lemvig,,0665,56.54856,8.31019,politikontor,Lemvig,test\n",
        encoding="utf-8",
    )
    path = _scenario(
        tmp_path, stations_file="stations.csv", officers=[{"id": "a", "station": "Lemvig"}]
    )
    r = resolve(load_scenario(path))
    assert r.officers[0].station_id == "lemvig"
    assert {"holstebro", "lemvig"} <= {s.id for s in r.district.stations}


def test_stations_file_can_replace_the_districts_stations(tmp_path: Path) -> None:
    (tmp_path / "stations.csv").write_text(
        STATION_COLUMNS + "lemvig,Politikontor Lemvig,,0665,56.54856,8.31019,politikontor,Lemvig,test\n",
        encoding="utf-8",
    )
    path = _scenario(
        tmp_path,
        stations_file={"file": "stations.csv", "replace": True},
        vehicles=[{"id": "bil1", "home": "Lemvig"}],
        officers=[{"id": "a", "station": "Lemvig"}],
    )
    r = resolve(load_scenario(path))
    assert [s.id for s in r.district.stations] == ["lemvig"]


def test_a_station_outside_the_district_is_named(tmp_path: Path) -> None:
    (tmp_path / "stations.csv").write_text(
        STATION_COLUMNS + "odense2,Odense 2,,0461,55.39594,10.38831,lokalpoliti,Odense,test\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        resolve(load_scenario(_scenario(tmp_path, stations_file="stations.csv")))
    msg = str(err.value)
    assert "stations_file" in msg and "'odense2'" in msg and "uden for Midt- og Vestjyllands Politi" in msg


def test_links_file_adds_a_crossing_and_a_foreign_end_is_refused(tmp_path: Path) -> None:
    (tmp_path / "links.csv").write_text(
        LINK_COLUMNS + "test-faerge,Testfærge,ferry,Struer,56.49,8.59,Thyholm,56.62,8.50,20,10\n",
        encoding="utf-8",
    )
    r = resolve(load_scenario(_scenario(tmp_path, links_file="links.csv")))
    assert {"test-faerge", "vilsundbroen"} <= {lk.id for lk in r.district.links}
    (tmp_path / "links.csv").write_text(
        LINK_COLUMNS + "test-faerge,Testfærge,ferry,Struer,56.49,8.59,Odense,55.39594,10.38831,20,10\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"links_file.*'test-faerge'.*uden for"):
        resolve(load_scenario(_scenario(tmp_path, links_file="links.csv")))


def test_a_missing_stations_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="stations_file"):
        load_scenario(_scenario(tmp_path, stations_file="nope.csv"))


def test_no_days_is_bad_input_on_load(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scenario(tmp_path, days=[]))
    assert "days" in str(err.value) and "s.yaml" in str(err.value)


def test_all_zero_weights_are_bad_input_on_load(tmp_path: Path) -> None:
    zero = {k: 0 for k in ("population", "remoteness", "burglary", "trend", "recency", "urgency")}
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scenario(tmp_path, weights=zero))
    assert "weights" in str(err.value) and "alle vægte" in str(err.value)
    load_scenario(_scenario(tmp_path, weights={**zero, "burglary": 1}))  # one positive weight is enough


def test_a_van_in_a_town_with_several_stations_starts_at_the_town_and_the_choices_are_named(
    tmp_path: Path,
) -> None:
    path = _scenario(
        tmp_path,
        district="Nordjyllands Politi",
        vehicles=[{"id": "bil1", "home": "Aalborg"}],
        officers=[{"id": "a", "station": "Hjørring"}],
    )
    r = resolve(load_scenario(path))
    assert r.vehicles[0].depot_id.startswith("geonames:") and r.officers[0].station_id == "hjoerring"
    note = next(w for w in r.warnings if "bil1" in w)
    assert "aalborg-politigaard" in note and "aalborg-oest" in note
