"""Crews and patrol shifts: contracts, rest, shift length, home station, skills."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from mobilstation.optimize import Officer, WeekSettings
from mobilstation.optimize.roster import (
    CrewSlot,
    MobileDuty,
    assign_crews,
    field_budget_min,
    lay_patrol,
    patrol_room,
    patrol_tour,
)

MON = date(2026, 3, 2)
DATES = [MON + timedelta(days=k) for k in range(5)]
DRIVE = {("A", "B"): 40, ("B", "A"): 40}


def travel_min(a: str, b: str) -> int:
    return 0 if a == b else DRIVE[(a, b)]


def slot(rid: str, day: int, start=8 * 60, end=16 * 60, depot="A", crew=2, skills=()) -> CrewSlot:
    return CrewSlot(rid, day, DATES[day], depot, start, end, end - start, crew, frozenset(skills))


def off(oid: str, station="A", hours=37.0, skills=(), **kw) -> Officer:
    return Officer(id=oid, name=oid, station_id=station, weekly_hours=hours, skills=frozenset(skills), **kw)


def shifts_of(res, oid):
    return sorted((r, se) for (o, r), se in res.duty.items() if o == oid)


def test_crew_size_one_route_a_day_and_budget():
    s = WeekSettings()
    officers = [off(f"o{k}") for k in range(4)]
    slots = [slot(f"r{d}", d) for d in range(5)]
    res = assign_crews(slots, officers, travel_min, s)
    assert not res.uncrewed and res.status in ("OPTIMAL", "FEASIBLE")
    for r in slots:
        assert len(res.crews[r.route_id]) == 2
    for o in officers:
        minutes = sum(e - b for (_, (b, e)) in shifts_of(res, o.id))
        assert minutes <= field_budget_min(o, s) == int(37 * 60 * 0.8)
    # 29.6 field hours hold three 8-hour shifts: 10 seats need all four officers
    assert all(len(shifts_of(res, o.id)) <= 3 for o in officers)
    # with three officers only 9 seats exist: one day goes uncrewed, and it says why
    short = assign_crews(slots, officers[:3], travel_min, s)
    assert len(short.crews) == 4 and len(short.uncrewed) == 1
    assert "ugens timer" in next(iter(short.uncrewed.values()))


def test_rest_between_late_and_early_shift():
    s = WeekSettings()
    officers = [off("o1", latest_end=23 * 60), off("o2", latest_end=23 * 60)]
    slots = [
        slot("late", 0, start=14 * 60, end=22 * 60, crew=1),
        slot("early", 1, start=7 * 60, end=12 * 60, crew=1),
    ]
    res = assign_crews(slots, officers, travel_min, s)
    assert not res.uncrewed
    assert res.crews["late"] != res.crews["early"], "9 h between 22:00 and 07:00 is below the 11 h rest"
    # with a single officer one of the two cannot be crewed, and the pre-check says which
    pre = assign_crews(slots, officers[:1], travel_min, s)
    assert len(pre.crews) == 1 and len(pre.uncrewed) == 1


def test_home_station_rule_and_drive_in_shift():
    s_home = WeekSettings(crew_home_rule="same_station")
    s_any = WeekSettings(crew_home_rule="any")
    officers = [off("a1"), off("b1", station="B"), off("b2", station="B")]
    slots = [slot("r", 0, crew=2)]
    home = assign_crews(slots, officers, travel_min, s_home)
    assert "r" in home.uncrewed and "kun 1" in home.uncrewed["r"] and "mangler 1" in home.uncrewed["r"]
    anyst = assign_crews(slots, officers, travel_min, s_any)
    crew = anyst.crews["r"]
    assert "a1" in crew, "the home-station officer is preferred"
    away = next(o for o in crew if o != "a1")
    assert anyst.duty[away, "r"] == (8 * 60 - 40, 16 * 60 + 40), "the drive from B is part of the shift"
    assert anyst.duty["a1", "r"] == (8 * 60, 16 * 60)


def test_shift_length_and_window_limit_eligibility():
    s = WeekSettings(crew_home_rule="any")
    officers = [off("a1", max_shift_hours=8), off("b1", station="B", max_shift_hours=8.5), off("a2")]
    res = assign_crews([slot("r", 0)], officers, travel_min, s)
    # b1 would need 8 h + 2 x 40 min > 8.5 h
    assert sorted(res.crews["r"]) == ["a1", "a2"]
    late = [off("a3", latest_end=15 * 60), off("a4")]
    res = assign_crews([slot("r", 0, crew=1)], late, travel_min, s)
    assert res.crews["r"] == ["a4"]


def test_traffic_skill_placed_or_reported():
    s = WeekSettings()
    officers = [off("o1"), off("o2"), off("t1", skills={"traffic"})]
    res = assign_crews([slot("r", 0, skills={"traffic"})], officers, travel_min, s)
    assert "t1" in res.crews["r"] and not res.missing_skills
    res = assign_crews([slot("r", 0, skills={"dog"})], officers, travel_min, s)
    assert res.missing_skills == {"r": {"dog"}}


def test_availability_respected():
    s = WeekSettings()
    officers = [off("o1", available_days=(1, 2)), off("o2", available_days=(1, 3)), off("o3")]
    res = assign_crews([slot("wed", 2)], officers, travel_min, s)
    assert sorted(res.crews["wed"]) == ["o2", "o3"]


def test_patrol_layout_rules():
    s = WeekSettings()
    o = off("o1", max_shift_hours=9)
    blocks = {("o1", "x"): 20, ("o1", "y"): 9}
    cost = {("o1", "x"): 20, ("o1", "y"): 25}
    mobile = {"o1": [MobileDuty(0, 8 * 60, 15 * 60), MobileDuty(2, 12 * 60, 20 * 60)]}
    layout = lay_patrol([o], DATES, blocks, cost, mobile, s)
    assert not layout.unplaced and layout.status in ("OPTIMAL", "FEASIBLE")
    placed = {"x": 0, "y": 0}
    days: dict[int, list[tuple[int, int]]] = {0: [(480, 900)], 2: [(720, 1200)]}
    for pd in layout.days:
        minutes = sum(cost["o1", a] * n for a, n in pd.blocks.items())
        assert pd.end - pd.start == minutes
        for a, n in pd.blocks.items():
            placed[a] += n
        days.setdefault(pd.day, []).append((pd.start, pd.end))
    assert placed == {"x": 20, "y": 9}
    spans = []
    for d, shs in sorted(days.items()):
        shs.sort()
        for (_a0, a1), (b0, _b1) in itertools.pairwise(shs):
            assert b0 >= a1, "no overlap with the mobile shift"
        first, last = shs[0][0], max(e for _, e in shs)
        assert last - first <= 9 * 60 and sum(e - b for b, e in shs) <= 9 * 60
        assert first >= o.earliest_start and last <= o.latest_end
        spans.append((DATES[d], first, last))
    for (d1, _, e1), (d2, s2, _) in itertools.pairwise(spans):
        assert (d2 - d1).days * 1440 + s2 - e1 >= 11 * 60


def test_patrol_room_per_day():
    o = off("o1", max_shift_hours=10)
    room = patrol_room(o, [0, 1], {0: MobileDuty(0, 8 * 60, 16 * 60)})
    assert room == {0: 120, 1: min(600, o.latest_end - o.earliest_start)}


def test_unplaceable_blocks_are_reported():
    s = WeekSettings()
    o = off("o1", available_days=(1,), max_shift_hours=2)
    layout = lay_patrol([o], DATES, {("o1", "x"): 10}, {("o1", "x"): 20}, {}, s)
    assert layout.unplaced == {("o1", "x"): 4}  # 2 h hold 6 blocks of 20 min
    assert sum(sum(pd.blocks.values()) for pd in layout.days) == 6


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekly_hours": -1},  # negative contract
        {"max_shift_hours": 0},  # no shift possible
        {"available_days": (0,)},  # not an ISO weekday
        {"earliest_start": 900, "latest_end": 800},  # window reversed
        {"skils": ["traffic"]},  # typo in a field name
    ],
)
def test_bad_officer_rejected(kwargs):
    with pytest.raises(ValueError):
        Officer(id="o", station_id="A", **kwargs)


# -- patrol days that can be driven -----------------------------------------------------------

FAR = {("A", "X"): 50, ("A", "Y"): 55, ("X", "Y"): 70}


def far_min(a: str, b: str) -> int:
    return 0 if a == b else FAR.get((a, b), FAR.get((b, a), 0))


def test_two_distant_areas_on_one_day_pay_the_whole_drive():
    """Two blocks in each of two areas 50 and 55 min out: the day drives A-X-Y-A (175 min).

    Booked per block (a quarter of each round trip, as the hours model
    prices a block) the day would be 4 x 15 + 2 x 25 + 2 x 28 = 166 min, too
    short to drive even the tour alone.
    """
    s = WeekSettings()
    o = off("o1", available_days=(1,), max_shift_hours=8)
    blocks = {("o1", "X"): 2, ("o1", "Y"): 2}
    cost = {("o1", "X"): 15 + 25, ("o1", "Y"): 15 + 28}
    layout = lay_patrol([o], DATES, blocks, cost, {}, s, travel_min=far_min)
    assert not layout.unplaced
    (pd,) = layout.days
    assert pd.blocks == {"X": 2, "Y": 2}, "each area visited once in the day"
    assert pd.travel_min == 50 + 70 + 55
    assert pd.order in (["A", "X", "Y", "A"], ["A", "Y", "X", "A"])
    assert pd.end - pd.start == 4 * 15 + 175
    assert pd.end - pd.start > sum(cost["o1", a] * n for (_, a), n in blocks.items())


def test_drive_home_between_areas_when_shorter():
    """Areas far apart through each other but near the station: round trips beat the direct hop."""
    s = WeekSettings()
    o = off("o1", available_days=(1,), max_shift_hours=8)
    near = {("A", "X"): 10, ("A", "Y"): 10, ("X", "Y"): 60}

    def minutes(a: str, b: str) -> int:
        return 0 if a == b else near.get((a, b), near.get((b, a), 0))

    layout = lay_patrol([o], DATES, {("o1", "X"): 1, ("o1", "Y"): 1}, {}, {}, s, travel_min=minutes)
    (pd,) = layout.days
    assert pd.travel_min == 40 and pd.order.count("A") == 3


def test_drive_does_not_fit_short_day_so_blocks_go_elsewhere():
    """A 2-hour day holds 2 x 50 min drive + 1 block; the rest is reported, never squeezed in."""
    s = WeekSettings()
    o = off("o1", available_days=(1,), max_shift_hours=2)
    layout = lay_patrol([o], DATES, {("o1", "X"): 4}, {("o1", "X"): 30}, {}, s, travel_min=far_min)
    (pd,) = layout.days
    assert pd.blocks == {"X": 1} and pd.end - pd.start == 15 + 100
    assert layout.unplaced == {("o1", "X"): 3}


def test_patrol_tour_is_exact_for_small_days():
    order, minutes = patrol_tour("A", ["Y", "X"], far_min)
    assert minutes == 175 and order[0] == order[-1] == "A"
    assert patrol_tour("A", [], far_min) == ([], 0)
