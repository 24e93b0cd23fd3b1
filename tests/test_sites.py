"""Candidate sites, their scores, and citizen requests."""

from __future__ import annotations

import dataclasses
import itertools
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pydantic import ValidationError

from mobilstation import i18n
from mobilstation.demand._geom import to_metric
from mobilstation.demand.hotspots import HotspotParams, detect_hotspots
from mobilstation.demand.incidents import read_incidents
from mobilstation.demand.requests import read_requests
from mobilstation.demand.scoring import COMPONENTS, ScoreInputs, ScoreScales, Weights, components, score
from mobilstation.demand.sites import SiteSettings, ascii_id, build_sites
from mobilstation.errors import InputError
from mobilstation.geo import load_district
from mobilstation.travel.estimated import EstimatedParams, EstimatedTravel

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 29)  # the Sunday before ISO week 2026-W49
WEEK = [date(2026, 11, 30) + timedelta(days=i) for i in range(5)]
REQUEST_HEADER = "id,type,lat,lon,window,date,deadline,name,note\n"


@pytest.fixture(scope="module")
def district():
    return load_district("Nordjyllands Politi")


@pytest.fixture(scope="module")
def travel(district):
    return EstimatedTravel.from_district(district, EstimatedParams())


@pytest.fixture(scope="module")
def incidents(district):
    return read_incidents(ROOT / "geodata" / "nordjylland_incidents_synthetic.csv", district, as_of=AS_OF)


@pytest.fixture(scope="module")
def hotspots(district, incidents):
    return detect_hotspots(incidents, HotspotParams(), as_of=AS_OF, district=district)


@pytest.fixture(scope="module")
def requests(district):
    return read_requests(ROOT / "scenarios" / "data" / "requests_example.csv", district, dates=WEEK)


@pytest.fixture(scope="module")
def sites(district, travel, hotspots, requests, incidents):
    return build_sites(
        district,
        settings=SiteSettings(),
        weights=Weights(),
        travel=travel,
        hotspots=hotspots,
        requests=requests,
        as_of=AS_OF,
        incidents=incidents,
    )


class ScaledTravel:
    """A travel model that multiplies another's minutes (a slower road network)."""

    name = "scaled"

    def __init__(self, inner, factor: float) -> None:
        self.inner, self.factor = inner, factor

    def matrix(self, points):
        m = self.inner.matrix(points)
        return dataclasses.replace(m, minutes=np.ceil(m.minutes * self.factor).astype(np.int64))


def by_kind(sites, kind):
    return [s for s in sites if s.kind == kind]


# -- the sites -----------------------------------------------------------------------------


def test_ids_are_unique_ascii_and_sorted(sites):
    ids = [s.id for s in sites]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() and i.split(":", 1)[0] == s.kind for i, s in zip(ids, sites, strict=True))
    order = {"town": 0, "outlying": 1, "neighbourhood": 2, "request": 3}
    assert [(order[s.kind], s.id) for s in sites] == sorted((order[s.kind], s.id) for s in sites)
    assert ascii_id("Hjørring Østerå/Læsø") == "Hjoerring-Oesteraa-Laesoe"


def test_town_sites_are_the_small_towns(district, sites):
    settings = SiteSettings()
    towns = by_kind(sites, "town")
    names = {s.name for s in towns}
    assert not names & {"Aalborg", "Hjørring", "Frederikshavn", "Nørresundby"}
    assert {"Brønderslev", "Hobro", "Skagen", "Løkken", "Byrum"} <= names
    in_band = {
        f"town:{t.id}"
        for t in district.towns
        if settings.town_min_population <= t.population < settings.town_max_population
    }
    ids = {s.id for s in towns}
    assert in_band <= ids
    # the only extra towns are the largest of municipalities without a town in the band (Læsø: Byrum)
    for extra in ids - in_band:
        town = next(t for t in district.towns if f"town:{t.id}" == extra)
        same = [t for t in district.towns if t.municipality_code == town.municipality_code]
        assert not any(
            settings.town_min_population <= t.population < settings.town_max_population for t in same
        )
        assert town.population == max(t.population for t in same)
    assert {s.municipality_code for s in towns} == {m.code for m in district.municipalities}
    for s in towns:
        assert (
            s.service_min == 90 and s.windows == ((540, 930),) and s.weekly_max == 1 and s.min_gap_days == 2
        )


def test_municipality_is_point_in_polygon(district, sites):
    for s in sites:
        containing = [
            m.code for m in district.municipalities if m.geometry.contains(shapely.Point(s.lon, s.lat))
        ]
        if containing:
            assert s.municipality_code == containing[0], s.id
        else:  # on the generalised coastline: the nearest municipality
            p = shapely.Point(s.lon, s.lat)
            nearest = min(district.municipalities, key=lambda m: m.geometry.distance(p))
            assert s.municipality_code == nearest.code, s.id


def test_outlying_sites_are_far_from_fixed_stations(district, travel, sites):
    settings = SiteSettings()
    outlying = by_kind(sites, "outlying")
    assert outlying
    fixed = [st for st in district.stations if st.kind not in settings.part_time_station_kinds]
    from mobilstation.travel.base import Point

    pts = [Point(f"st:{st.id}", st.lat, st.lon) for st in fixed] + [
        Point(s.id, s.lat, s.lon) for s in outlying
    ]
    m = travel.matrix(pts)
    nearest = m.minutes[: len(fixed), len(fixed) :].min(axis=0)
    assert (nearest >= settings.outlying_min_drive_min).all()
    assert [s.meta["drive_min_nearest_station"] for s in outlying] == nearest.tolist()
    town_points = [shapely.Point(s.lon, s.lat) for s in by_kind(sites, "town")]
    postal = {p.postnr: p for p in district.postal_districts}
    for s in outlying:
        poly = postal[s.id.split(":", 1)[1]].geometry
        assert poly.contains(shapely.Point(s.lon, s.lat))
        assert not any(poly.contains(tp) for tp in town_points), s.id
        assert s.service_min == 60 and s.windows == ((540, 960),)


def test_laesoe_is_remote_because_its_office_is_part_time(sites):
    byrum = next(s for s in sites if s.name == "Byrum")
    assert byrum.meta["drive_min_nearest_station"] > 90  # the ferry from Frederikshavn
    assert byrum.breakdown["remoteness"] == Weights().remoteness


def test_neighbourhood_sites_follow_the_hotspots(hotspots, sites):
    hoods = by_kind(sites, "neighbourhood")
    areas = hotspots.areas.head(SiteSettings().neighbourhood_max)
    assert len(hoods) == len(areas) >= 1
    assert {s.id for s in hoods} == {f"neighbourhood:{a}" for a in areas["id"]}
    for s in hoods:
        area = areas[areas["id"] == s.meta["hotspot_id"]].iloc[0]
        assert area.geometry.contains(shapely.Point(s.lon, s.lat))
        assert s.synthetic  # derived from the synthetic incidents
        assert s.windows == ((840, 1140),) and s.weekly_max == 2 and s.service_min == 75
        assert s.name.startswith("Indbrudsområde ")
    assert len({s.name for s in hoods}) == len(hoods)


def test_request_sites(sites, requests):
    reqs = {s.meta["request_id"]: s for s in by_kind(sites, "request")}
    assert set(reqs) == {r.id for r in requests}
    fjerritslev = reqs["BEB-2026-0142"]  # traffic check, 08:30-10:30, deadline Friday
    assert fjerritslev.skills == frozenset({"traffic"}) and fjerritslev.service_min == 60
    assert fjerritslev.windows == ((510, 570),)  # start between 08:30 and 10:30 - 60 min
    assert fjerritslev.mandatory and fjerritslev.deadline == date(2026, 12, 4)
    skoerping = reqs["BEB-2026-0141"]  # local officer on Tuesday 13:00-15:00
    assert skoerping.skills == frozenset() and skoerping.service_min == 45
    assert skoerping.windows == ((780, 855),) and skoerping.days == (2,)
    overdue = reqs["BEB-2026-0145"]
    assert overdue.mandatory and overdue.meta["overdue"] and overdue.deadline == WEEK[-1]
    assert overdue.breakdown["urgency"] == Weights().urgency
    later = reqs["BEB-2026-0146"]  # deadline next week: optional, less urgent
    assert not later.mandatory and 0 < later.meta["components"]["urgency"] < 1
    assert reqs["BEB-2026-0147"].meta["components"]["urgency"] == 0  # no deadline


def test_breakdown_sums_to_score_and_components_are_in_range(sites):
    w = Weights()
    for s in sites:
        assert set(s.breakdown) == set(COMPONENTS)
        assert abs(sum(s.breakdown.values()) - s.score) < 1e-9
        for k, v in s.meta["components"].items():
            assert 0.0 <= v <= 1.0
            assert s.breakdown[k] == pytest.approx(getattr(w, k) * v, abs=2e-6)


def test_build_is_deterministic(district, travel, hotspots, requests, incidents, sites):
    again = build_sites(
        district,
        settings=SiteSettings(),
        weights=Weights(),
        travel=travel,
        hotspots=hotspots,
        requests=requests,
        as_of=AS_OF,
        incidents=incidents,
    )
    assert again == sites


def test_settings_change_sites(district, travel, hotspots, requests, incidents):
    settings = SiteSettings(
        town={"service_min": 120, "windows": ["10:00-12:00", [780, 840]], "days": [2, 4]},
        outlying={"enabled": False},
        neighbourhood={"enabled": False},
    )
    built = build_sites(
        district,
        settings=settings,
        weights=Weights(),
        travel=travel,
        hotspots=hotspots,
        requests=requests,
        as_of=AS_OF,
        incidents=incidents,
    )
    assert {s.kind for s in built} == {"town", "request"}
    town = by_kind(built, "town")[0]
    assert town.service_min == 120 and town.windows == ((600, 720), (780, 840)) and town.days == (2, 4)


def test_without_travel_there_are_no_outlying_sites_and_no_remoteness(district, hotspots, incidents):
    built = build_sites(
        district,
        settings=SiteSettings(),
        weights=Weights(),
        travel=None,
        hotspots=hotspots,
        as_of=AS_OF,
        incidents=incidents,
    )
    assert not by_kind(built, "outlying") and not by_kind(built, "request")
    assert all(s.breakdown["remoteness"] == 0 for s in built)


# -- monotone scores -------------------------------------------------------------------------

BASE = ScoreInputs(
    population=3000, drive_min=25.0, burglary_weighted=2.0, trend=1.5, days_since_visit=10, days_to_deadline=4
)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("population", [None, 0, 1, 50, 999, 3000, 15_000, 10**6]),
        ("drive_min", [None, 0.0, 5.0, 20.0, 44.9, 45.0, 200.0]),
        ("burglary_weighted", [0.0, 0.1, 1.0, 5.99, 6.0, 60.0]),
        ("trend", [0.0, 0.5, 1.0, 1.2, 2.9, 3.0, 4.0]),
        ("days_since_visit", [0, 1, 14, 27, 28, 400]),
    ],
)
def test_score_never_drops_when_an_input_grows(field, values):
    w = Weights()
    scores = [score(dataclasses.replace(BASE, **{field: v}), w).score for v in values]
    assert all(b >= a for a, b in itertools.pairwise(scores)), scores
    assert scores[-1] > scores[0]


def test_urgency_grows_as_the_deadline_nears():
    w = Weights()
    scores = [score(dataclasses.replace(BASE, days_to_deadline=d), w).score for d in (30, 7, 5, 1, 0, -3)]
    assert all(b >= a for a, b in itertools.pairwise(scores)) and scores[-1] > scores[0]
    assert score(dataclasses.replace(BASE, days_to_deadline=None), w).breakdown["urgency"] == 0


def test_component_formulas_and_neutral_values():
    sc = ScoreScales()
    c = components(
        ScoreInputs(
            population=15_000,
            drive_min=22.5,
            burglary_weighted=3.0,
            trend=2.0,
            days_since_visit=7,
            days_to_deadline=0,
        ),
        sc,
    )
    assert c["population"] == pytest.approx(1.0)
    assert c["remoteness"] == pytest.approx(0.5)
    assert c["burglary"] == pytest.approx(0.5)
    assert c["trend"] == pytest.approx(0.5)
    assert c["recency"] == pytest.approx(0.25)
    assert c["urgency"] == pytest.approx(1.0)
    c = components(ScoreInputs(population=100), sc)
    assert c["population"] == pytest.approx(math.log1p(100) / math.log1p(15_000))
    assert c["recency"] == sc.recency_unknown and c["urgency"] == 0 and c["trend"] == 0


def test_weights_scale_their_part_only():
    inputs = dataclasses.replace(BASE)
    base = score(inputs, Weights())
    doubled = score(inputs, Weights(burglary=3.0))
    assert doubled.breakdown["burglary"] == pytest.approx(2 * base.breakdown["burglary"], abs=1e-6)
    assert {k: v for k, v in doubled.breakdown.items() if k != "burglary"} == {
        k: v for k, v in base.breakdown.items() if k != "burglary"
    }
    with pytest.raises(ValidationError):
        Weights(burglary=-1)
    with pytest.raises(ValidationError):
        Weights(burglery=1)


def test_more_burglaries_near_a_site_raise_it_and_leave_far_sites_alone(district, travel, incidents):
    def build(inc):
        return {
            s.id: s
            for s in build_sites(
                district,
                settings=SiteSettings(neighbourhood={"enabled": False}),
                weights=Weights(),
                travel=travel,
                hotspots=None,
                as_of=AS_OF,
                incidents=inc,
            )
        }

    before = build(incidents)
    target = before["town:geonames:2613939"]  # Skagen
    extra = incidents.gdf.iloc[:5].copy()
    extra["id"] = [f"extra{i}" for i in range(5)]
    extra["time"] = pd.Timestamp("2026-11-28 15:00", tz="Europe/Copenhagen")
    extra["geometry"] = shapely.points([target.lon + 0.001 * i for i in range(5)], [target.lat] * 5)
    more = dataclasses.replace(incidents, gdf=pd.concat([incidents.gdf, extra], ignore_index=True))
    after = build(more)
    assert after[target.id].score > target.score
    tx, ty = to_metric([target.lon], [target.lat])
    for sid, s in before.items():
        assert after[sid].score >= s.score
        x, y = to_metric([s.lon], [s.lat])
        if math.hypot(x[0] - tx[0], y[0] - ty[0]) > 5_000:
            assert after[sid].score == s.score, sid  # no normalisation over the set


def test_slower_roads_and_older_visits_never_lower_a_score(district, travel, incidents, sites):
    history = {s.id: AS_OF - timedelta(days=3) for s in sites}
    kwargs = {
        "settings": SiteSettings(outlying={"enabled": False}),
        "weights": Weights(),
        "hotspots": None,
        "as_of": AS_OF,
        "incidents": incidents,
    }
    base = {s.id: s.score for s in build_sites(district, travel=travel, history=history, **kwargs)}
    slower = {
        s.id: s.score
        for s in build_sites(district, travel=ScaledTravel(travel, 1.5), history=history, **kwargs)
    }
    older = {
        s.id: s.score
        for s in build_sites(
            district, travel=travel, history={k: v - timedelta(days=10) for k, v in history.items()}, **kwargs
        )
    }
    assert all(slower[k] >= base[k] for k in base) and any(slower[k] > base[k] for k in base)
    assert all(older[k] > base[k] for k in base)


# -- requests --------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "requests.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_request_rows_are_validated_with_row_numbers(tmp_path, district):
    text = REQUEST_HEADER + (
        "r1,traffic_check,57.05,9.92,09:00-11:00,,2026-12-02,ok,\n"  # row 1 fine
        "r2,speed_trap,57.05,9.92,,,,,\n"  # row 2 unknown type
        "r3,local_officer,nord,9.92,,,,,\n"  # row 3 bad latitude
        "r4,local_officer,57.05,9.92,16:00-15:00,,,,\n"  # row 4 window closes before it opens
        "r1,local_officer,57.05,9.92,,,,,\n"  # row 5 duplicate id
        "r6,local_officer,57.05,9.92,,2026-12-04,2026-12-02,,\n"  # row 6 wanted after deadline
        "r7,local_officer,57.05,9.92,,,2/12/2026,,\n"  # row 7 deadline not ISO
        "r8,local_officer,9.92,57.05,,,,,\n"  # row 8 lat/lon swapped
    )
    expected = {
        "da": (
            "række",
            "række 1 = første linje efter overskriften",
            "i række 1",
            [
                "række 2: type: ukendt bestillingstype 'speed_trap' "
                "(forventede en af traffic_check, local_officer)",
                "række 3: lat/lon",
                "række 4: window",
                "række 5: id: 'r1' er allerede brugt i række 1",
                "række 6: date: ønsket dato 2026-12-04 ligger efter fristen 2026-12-02",
                "række 7: deadline: forventede en ISO-dato",
                "række 8: lat/lon",
                "byttet om",
            ],
        ),
        "en": (
            "row",
            "row 1 = first line after the header",
            "in row 1",
            [
                "row 2: type: unknown request type 'speed_trap' "
                "(expected one of traffic_check, local_officer)",
                "row 3: lat/lon",
                "row 4: window",
                "row 5: id: 'r1' already used in row 1",
                "row 6: date: wanted date 2026-12-04 is after the deadline 2026-12-02",
                "row 7: deadline: expected an ISO date",
                "row 8: lat/lon",
                "swapped",
            ],
        ),
    }
    for lang, (row, convention, first_row, fragments) in expected.items():
        with i18n.using(lang), pytest.raises(InputError) as err:
            read_requests(write(tmp_path, text), district, dates=WEEK)
        msg = str(err.value)
        assert "requests.csv" in msg and convention in msg
        for fragment in fragments:
            assert fragment in msg, (lang, fragment)
        assert f"{row} 1:" not in msg.replace(f"{row} 1 = ", "").replace(first_row, ""), lang


def test_requests_placed_in_the_week(tmp_path, district):
    text = REQUEST_HEADER + (
        "due,local_officer,57.05,9.92,,,2026-12-02,,\n"  # deadline Wednesday
        "sunday,local_officer,57.05,9.92,,,2026-12-06,,\n"  # deadline Sunday of the week: by Friday
        "late,local_officer,57.05,9.92,,,2026-11-20,,\n"  # overdue
        "next,local_officer,57.05,9.92,,2026-12-08,2026-12-10,,\n"  # wanted next week: not now
        "past,local_officer,57.05,9.92,,2026-11-25,,,\n"  # promised last week, no deadline: missed
        "pastdl,local_officer,57.05,9.92,,2026-11-25,2026-12-11,,\n"  # promised last week, deadline ahead
        "thu,local_officer,57.05,9.92,,2026-12-03,,,\n"  # promised Thursday: that day
        "sat,local_officer,57.05,9.92,,2026-12-05,,,\n"  # promised Saturday: not a planned day
        "cph,traffic_check,55.6761,12.5683,,,,,\n"  # Copenhagen: another district
        "open,traffic_check,57.05,9.92,,,,,\n"  # no date, no deadline: optional
    )
    path = write(tmp_path, text)
    reqs = read_requests(path, district, dates=WEEK)
    got = {r.id: r for r in reqs}
    assert set(got) == {"due", "sunday", "late", "pastdl", "thu", "sat", "open"}
    assert reqs.report.missed_promises == ["past", "sat"]
    assert got["thu"].mandatory and got["thu"].deadline == date(2026, 12, 3)
    assert got["thu"].promised_date == got["thu"].wanted_date == date(2026, 12, 3)
    assert got["sat"].promised_date == date(2026, 12, 5) and not got["sat"].mandatory
    assert got["pastdl"].wanted_date is None and not got["pastdl"].mandatory
    assert "gået uden besøg" in str(reqs.report) and "ikke er en planlagt dag" in str(reqs.report)
    assert got["due"].mandatory and got["due"].deadline == date(2026, 12, 2)
    assert got["sunday"].mandatory and got["sunday"].deadline == date(2026, 12, 4)
    assert got["late"].mandatory and got["late"].overdue and got["late"].deadline == date(2026, 12, 4)
    assert (
        not got["open"].mandatory and got["open"].deadline is None and got["open"].municipality_code == "0851"
    )
    assert reqs.report.outside_district == ["cph"] and reqs.report.not_this_week == ["next"]
    report = str(reqs.report)
    assert "uden for politikreds 'Nordjyllands Politi'" in report and "over fristen" in report


def test_request_window_columns_and_errors(tmp_path, district):
    path = write(
        tmp_path, "id,type,lat,lon,window_start,window_end\na,local_officer,57.05,9.92,14:00,16:30\n"
    )
    (req,) = read_requests(path, district, dates=WEEK)
    assert req.window == (840, 990)
    with pytest.raises(InputError, match=r"mangler kolonne\(r\) lat, lon"):
        read_requests(write(tmp_path, "id,type,where\na,local_officer,Aalborg\n"), district, dates=WEEK)
    with i18n.using("en"), pytest.raises(InputError, match="missing column"):
        read_requests(write(tmp_path, "id,type,where\na,local_officer,Aalborg\n"), district, dates=WEEK)
    with pytest.raises(InputError, match="tom fil"):
        read_requests(write(tmp_path, ""), district, dates=WEEK)
    with pytest.raises(InputError, match="bestillingsfilen findes ikke"):
        read_requests(tmp_path / "none.csv", district, dates=WEEK)
    with i18n.using("en"), pytest.raises(InputError, match="not found"):
        read_requests(tmp_path / "none.csv", district, dates=WEEK)


# -- settings --------------------------------------------------------------------------------


def test_site_settings_validate():
    s = SiteSettings(neighbourhood={"windows": "15:00-18:00"})
    assert s.neighbourhood.windows == [(900, 1080)] and s.neighbourhood.weekly_max == 2
    assert SiteSettings(town={"windows": [[540, 600]]}).town.windows == [(540, 600)]
    for bad in (
        {"town": {"windows": ["25:00-26:00"]}},
        {"town": {"windows": ["12:00-09:00"]}},
        {"town": {"windows": []}},
        {"town": {"servce_min": 60}},
        {"town": {"days": [0]}},
        {"town_min_population": 20_000, "town_max_population": 15_000},
        {"request_types": {"traffic_check": {"service_min": 0}}},
    ):
        with pytest.raises(ValidationError):
            SiteSettings(**bad)
