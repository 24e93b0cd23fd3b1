"""The lokalbetjent hours model: budgets, reach, quotas and diminishing returns.

Small hand-made areas on a line east of one station; the travel matrix is
written out by hand so every cost is known: a block costs 15 minutes plus a
quarter of the station-area round trip.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mobilstation.demand.site import Site
from mobilstation.errors import PlanFailed
from mobilstation.optimize import Officer, PatrolSettings, Quota, WeekSettings
from mobilstation.optimize.hours import allocate_hours, area_value, tier_widths
from mobilstation.travel.base import TravelMatrix

# one-way minutes from the station; "far" is out of reach (default 45 min)
ONE_WAY = {"st": 0, "a": 10, "b": 20, "c": 30, "far": 60, "out": 8}


def travel() -> TravelMatrix:
    ids = tuple(ONE_WAY)
    n = len(ids)
    m = np.zeros((n, n), dtype=np.int64)
    for i, x in enumerate(ids):
        for j, y in enumerate(ids):
            if i != j:
                m[i, j] = ONE_WAY[x] + ONE_WAY[y]  # areas lie on spokes from the station
    return TravelMatrix(ids=ids, minutes=m, metres=m * 1000, ferry=np.zeros((n, n), dtype=bool))


def area(aid: str, score: float, muni: str = "0001", kind: str = "town") -> Site:
    return Site(
        id=aid,
        name=aid.upper(),
        kind=kind,
        municipality_code=muni,
        lat=57.0,
        lon=10.0,
        service_min=30,
        windows=((0, 1440),),
        score=score,
    )


AREAS = [
    area("a", 1.0),
    area("b", 0.9, "0002"),
    area("c", 0.6, "0002", "neighbourhood"),
    area("far", 5.0),
    area("out", 5.0, kind="outlying"),
]


def officer(oid: str = "o1", hours: float = 37) -> Officer:
    return Officer(id=oid, name=oid, station_id="st", weekly_hours=hours)


def block_cost(aid: str, settings: WeekSettings) -> int:
    p = settings.patrol
    return p.block_min + math.ceil(2 * ONE_WAY[aid] / p.visit_blocks)


def test_tiers_follow_breakpoints():
    s = WeekSettings(patrol=PatrolSettings(breakpoints=(4, 8), values=(1.0, 0.5, 0.25), max_blocks=20))
    assert tier_widths(s) == [(4, 1.0), (4, 0.5), (12, 0.25)]
    assert area_value(10, 2.0, s) == pytest.approx(2.0 * (4 + 2 + 0.5))


def test_budget_reach_and_costs_respected():
    s = WeekSettings()
    budget = 600
    plan = allocate_hours(
        officers=[officer()], budgets={"o1": budget}, areas=AREAS, travel=travel(), settings=s
    )
    assert plan.blocks, "there is value to collect"
    spent = sum(n * block_cost(a, s) for (_, a), n in plan.blocks.items())
    assert spent <= budget
    assert budget - spent < block_cost("c", s) or all(
        sum(n for (_, a), n in plan.blocks.items() if a == x) >= s.patrol.max_blocks for x in "abc"
    ), "a block that still fits would add value"
    used = {a for (_, a) in plan.blocks}
    assert "far" not in used, "beyond reach_min"
    assert "out" not in used, "outlying sites are not patrol areas"
    assert plan.block_cost == {("o1", a): block_cost(a, s) for a in "abc"}
    assert plan.lp_bound >= plan.objective - 1e-9 and plan.gap >= 0
    assert plan.status in ("OPTIMAL", "FEASIBLE")


def test_diminishing_returns_spread_hours():
    """Flat value puts every block in the best area; diminishing value spreads them."""
    # equal travel for all areas so only the value differs
    flat = WeekSettings(patrol=PatrolSettings(breakpoints=(), values=(1.0,), visit_blocks=1000))
    steep = WeekSettings(
        patrol=PatrolSettings(breakpoints=(4, 8), values=(1.0, 0.5, 0.25), visit_blocks=1000)
    )
    budgets = {"o1": 12 * 16}  # 12 blocks of 15 min + 1 min of travel share each

    def areas_used(settings):
        plan = allocate_hours(
            officers=[officer()], budgets=budgets, areas=AREAS[:3], travel=travel(), settings=settings
        )
        per = {}
        for (_, a), n in plan.blocks.items():
            per[a] = per.get(a, 0) + n
        return per, plan

    per_flat, _ = areas_used(flat)
    per_steep, plan = areas_used(steep)
    assert per_flat == {"a": 12}
    # marginal values: a 1.0 x4, b 0.9 x4, c 0.6 x4 beat a's 0.5 for blocks 5-8
    assert per_steep == {"a": 4, "b": 4, "c": 4}
    assert plan.objective == pytest.approx(4 * 1.0 + 4 * 0.9 + 4 * 0.6 - 1e-5 * 12 * 16, abs=1e-6)


def test_min_hours_quota_is_met():
    s = WeekSettings()
    # without a quota the officer prefers area a (municipality 0001, higher value, closer)
    quota = Quota(municipality="0002", min_hours=3.0)
    plan = allocate_hours(
        officers=[officer()],
        budgets={"o1": 8 * 60},
        areas=AREAS,
        travel=travel(),
        settings=s,
        quotas=[quota],
        mobile_hours={"0002": 1.0},
    )
    hours_0002 = sum(n for (_, a), n in plan.blocks.items() if a in ("b", "c")) * 15 / 60
    assert hours_0002 + 1.0 >= 3.0
    assert plan.need_hours == {"0002": pytest.approx(2.0)}
    assert plan.patrol_hours["0002"] == pytest.approx(hours_0002)


def test_quota_beyond_budgets_fails_naming_municipality():
    s = WeekSettings()
    quota = Quota(municipality="0002", min_hours=20)
    with pytest.raises(PlanFailed) as err:
        allocate_hours(
            officers=[officer()],
            budgets={"o1": 300},
            areas=AREAS,
            travel=travel(),
            settings=s,
            quotas=[quota],
            mobile_hours={"0002": 2.0},
            names={"0002": "Sydby"},
        )
    text = " ".join(err.value.violations)
    # 300 min buy at most 300 // 25 = 12 blocks in b (cost 15 + 10) = 3 h of patrol
    best = max(300 // block_cost("b", s), 300 // block_cost("c", s)) * 15 / 60
    assert "Sydby" in text and "20,0 timer krævet" in text
    assert f"højst {2.0 + best:.1f}".replace(".", ",") in text


def test_budgets_of_several_officers_each_hold():
    s = WeekSettings()
    officers = [officer("o1"), officer("o2"), officer("o3")]
    budgets = {"o1": 200, "o2": 0, "o3": 437}
    plan = allocate_hours(officers=officers, budgets=budgets, areas=AREAS, travel=travel(), settings=s)
    for o in officers:
        spent = sum(n * block_cost(a, s) for (oid, a), n in plan.blocks.items() if oid == o.id)
        assert spent <= budgets[o.id]
    assert not any(oid == "o2" for (oid, _) in plan.blocks)
    per_area = {}
    for (_, a), n in plan.blocks.items():
        per_area[a] = per_area.get(a, 0) + n
    assert all(n <= s.patrol.max_blocks for n in per_area.values())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"breakpoints": (4, 8), "values": (1.0, 0.5)},  # one value too few
        {"breakpoints": (8, 4), "values": (1.0, 0.5, 0.25)},  # not increasing
        {"breakpoints": (4,), "values": (0.5, 1.0)},  # increasing value: not diminishing
        {"block_min": 0},  # no block length
        {"kinds": ("town", "village")},  # unknown kind
    ],
)
def test_bad_patrol_settings_rejected(kwargs):
    with pytest.raises(ValueError):
        PatrolSettings(**kwargs)
