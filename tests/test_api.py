"""The Python API: documented examples run, KPIs agree with independent computations, plans round-trip."""

from __future__ import annotations

import doctest
import json
import math
from pathlib import Path
from typing import Any

import folium
import pytest
from fixtures.small_plan import small_plan

from mobilstation import api, i18n
from mobilstation.scenario import loading
from mobilstation.errors import InputError
from mobilstation.plan import PlanRecord

ROOT = Path(__file__).resolve().parents[1]


# -- the documented examples ----------------------------------------------------------


@pytest.mark.parametrize("module", [api, loading], ids=lambda m: m.__name__)
def test_docstring_examples_run(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples use paths relative to the repository
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# -- KPIs, checked against the hand-built plan's own independent figures -------------------


def test_kpi_frame_matches_the_independent_figures() -> None:
    rec = small_plan()
    frame = api.kpi_frame(rec)
    expected = rec.kpis["by_municipality"]
    assert list(frame.index[:-1]) == sorted(m.name for m in rec.municipalities)
    assert frame.index[-1] == "total"
    for code, want in expected.items():
        row = frame.loc[want["name"]]
        assert row["code"] == code
        assert row["visits"] == want["visits"]
        assert row["mobile_hours"] == pytest.approx(want["mobile_hours"], abs=0.01)
        assert row["patrol_hours"] == pytest.approx(want["patrol_hours"], abs=0.01)
        if want["hours_per_1000"] is None:
            assert math.isnan(row["hours_per_1000"])
        else:
            assert row["hours_per_1000"] == pytest.approx(want["hours_per_1000"], abs=1e-3)
        assert bool(row["quota_met"]) == want["quota_met"]
        assert row["quota_visits"] == want["quota_visits"]


def test_kpi_total_row_adds_up() -> None:
    frame = api.kpi_frame(small_plan())
    body, total = frame.drop(index="total"), frame.loc["total"]
    for col in ("visits", "quota_visits", "sites"):
        assert total[col] == body[col].sum()
    for col in ("mobile_hours", "patrol_hours", "hours"):
        assert total[col] == pytest.approx(body[col].sum(), abs=0.05)
    assert total["visits"] == small_plan().kpis["visits"]
    assert bool(total["quota_met"]) == bool(body["quota_met"].all())


def test_summary_matches_the_independent_figures() -> None:
    rec = small_plan()
    s = api.plan_summary(rec)
    assert s["travel_share"] == pytest.approx(rec.kpis["travel_share"], abs=1e-6)
    assert s["unvisited_high_priority"] == rec.kpis["unvisited_high_priority"]
    assert s["high_priority_threshold"] == rec.kpis["high_priority_threshold"]
    assert s["visits"] == rec.kpis["visits"]
    visited = {st.site_id for r in rec.routes for st in r.stops}
    unvisited = {u.site_id for u in rec.unvisited}
    for kind in rec.kpis["visits_by_kind"]:
        cov = s["coverage_by_kind"][kind]
        # the hand-built plan lists every site it leaves out, so visited = candidates - unvisited
        sites = [x.id for x in rec.sites if x.kind == kind]
        assert cov["candidates"] == len(sites)
        assert cov["visited"] == len([x for x in sites if x not in unvisited])
        assert cov["visited"] == len([x for x in sites if x in visited])
        assert cov["visited"] <= rec.kpis["visits_by_kind"][kind]


def test_summary_agrees_with_the_optimizers_kpis(quick_plan: Any) -> None:
    assert quick_plan.exit_code == 0, quick_plan.output
    rec = PlanRecord.read(quick_plan.out_dir)
    s = api.plan_summary(rec)
    k = rec.kpis
    assert s["unvisited_high_priority"] == k["unvisited_high_priority"]
    assert s["travel_share"] == pytest.approx(k["travel_share"], abs=1e-4)
    assert s["sites_visited"] == k["sites_visited"] and s["visits"] == k["visits"]
    frame = api.kpi_frame(rec)
    names = {m.code: m.name for m in rec.municipalities}
    for code, visits in k["visits_by_municipality"].items():
        assert frame.loc[names[code], "visits"] == visits
        assert frame.loc[names[code], "mobile_hours"] == pytest.approx(
            k["mobile_hours_by_municipality"][code], abs=0.01
        )
        assert frame.loc[names[code], "patrol_hours"] == pytest.approx(
            k["patrol_hours_by_municipality"][code], abs=0.01
        )


def _rows(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["section"], r["kpi"]): r for r in rows}


def test_compare_reports_the_difference_of_a_dropped_route() -> None:
    a = small_plan()
    b = small_plan()
    route = next(r for r in b.routes if r.stops)
    dropped = list(route.stops)
    mobile_min = sum(st.end - st.start for st in dropped)
    travel_min = route.travel_min
    route.stops, route.legs, route.travel_min, route.travel_m, route.service_min = [], [], 0, 0, 0
    rows = _rows(api.compare(a, b))
    v = rows[("plan", "visits")]
    assert v["b"] - v["a"] == -len(dropped)
    assert v["diff_text"] == f"{-len(dropped):+.0f}"
    assert rows[("plan", "mobile-station hours")]["a"] - rows[("plan", "mobile-station hours")]["b"] == (
        pytest.approx(mobile_min / 60, abs=0.01)
    )
    assert rows[("plan", "travel hours")]["a"] - rows[("plan", "travel hours")]["b"] == pytest.approx(
        travel_min / 60
    )
    assert rows[("plan", "vehicle-days used")]["b"] == rows[("plan", "vehicle-days used")]["a"] - 1
    site_muni = {s.id: s.municipality_code for s in a.sites}
    names = {m.code: m.name for m in a.municipalities}
    lost: dict[str, int] = {}
    for st in dropped:
        lost[names[site_muni[st.site_id]]] = lost.get(names[site_muni[st.site_id]], 0) + 1
    for name, n in lost.items():
        row = rows[("visits by municipality", name)]
        assert row["a"] - row["b"] == n
    # unchanged municipalities show a zero difference
    same = [r for (sec, name), r in rows.items() if sec == "visits by municipality" and name not in lost]
    assert same and all(r["a"] == r["b"] for r in same)


def test_compare_of_a_plan_with_itself_has_no_differences() -> None:
    rows = api.compare(small_plan(), small_plan())
    assert rows
    assert all(r["a_text"] == r["b_text"] for r in rows)
    sections = {r["section"] for r in rows}
    assert sections == {"plan", "coverage by kind", "visits by municipality", "hours per 1,000 inhabitants"}


# -- the Plan object -------------------------------------------------------------------------


def test_plan_load_visits_and_map(quick_plan: Any) -> None:
    assert quick_plan.exit_code == 0, quick_plan.output
    p = api.Plan.load(quick_plan.out_dir)
    stops = [(r, st) for r in p.record.routes for st in r.stops]
    visits = p.visits
    assert len(visits) == len(stops) > 0
    assert str(visits.crs) == "EPSG:4326"
    sites = {s.id: s for s in p.record.sites}
    for geom, sid in zip(visits.geometry, visits["sted_id"], strict=True):
        assert (geom.y, geom.x) == pytest.approx((sites[sid].lat, sites[sid].lon))
    assert isinstance(p.map(), folium.Map)
    assert isinstance(p.map(municipality="Hjørring"), folium.Map)
    assert "routes" in repr(p)


def test_plan_save_writes_the_cli_outputs(quick_plan: Any, tmp_path: Path) -> None:
    p = api.Plan.load(quick_plan.out_dir)
    out = p.save(tmp_path / "again", maps=False)
    assert (out / "plan.json").read_text(encoding="utf-8") == (quick_plan.out_dir / "plan.json").read_text(
        encoding="utf-8"
    )
    cli_files = {x.relative_to(quick_plan.out_dir) for x in quick_plan.out_dir.rglob("*") if x.is_file()}
    api_files = {x.relative_to(out) for x in out.rglob("*") if x.is_file()}
    sheets = {"dagsplaner.html", "patruljeplaner.html", "offentlig_plan.html"}  # not maps: always written
    assert api_files == {f for f in cli_files if f.suffix != ".html" or f.name in sheets}
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["iso_week"] == "2026-W49"


def test_plan_load_of_a_directory_without_a_plan(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"ingen plan\.json"):
        api.Plan.load(tmp_path)


def test_validate_accepts_a_mapping_with_overrides() -> None:
    data = {"include": str(ROOT / "scenarios" / "nordjylland.yaml")}
    r = api.validate(
        data,
        overrides={
            "absent_officers": ["LB01", "LB02"],
            "vehicles": [{"id": "bil1", "name": "Bil 1", "home": {"lat": 57.048, "lon": 9.9187}}],
        },
    )
    assert len(r.officers) == 30
    assert [v.depot_id for v in r.vehicles] == ["home:bil1"]


def test_plan_refuses_overrides_for_a_resolved_scenario() -> None:
    r = api.validate(ROOT / "scenarios" / "quick.yaml")
    with pytest.raises(InputError, match="overrides"):
        api.plan(r, overrides={"solver.seed": 2})


def test_hotspot_parameters_are_checked() -> None:
    with pytest.raises(InputError, match=r"--cell-m: skal være større end eller lig med 25 \(fik 5\)"):
        api.hotspots(
            ROOT / "geodata" / "nordjylland_incidents_synthetic.csv",
            1,
            params={"cell_m": 5},
            as_of="2026-11-29",
        )
    with i18n.using("en"), pytest.raises(InputError, match=r"--cell-m: .*greater than or equal to 25"):
        api.hotspots(
            ROOT / "geodata" / "nordjylland_incidents_synthetic.csv",
            1,
            params={"cell_m": 5},
            as_of="2026-11-29",
        )
