"""The offline maps and the index page, checked against the small plan.

Counts are recomputed from the plan record, and read back both from the
Folium object tree and from the rendered HTML; the browser test checks what
Leaflet actually draws.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import folium
import pytest
from fixtures.small_plan import FERRY, small_plan
from mobilstation.geo.district import load_district
from shapely.geometry import mapping

from mobilstation.errors import GeodataError, InputError
from mobilstation.geo.model import District
from mobilstation.outputs._offline import OfflineAssetError, assert_offline, external_references, make_offline
from mobilstation.outputs.index_page import municipality_rows
from mobilstation.outputs.colours import ciede2000, min_pairwise, route_palette
from mobilstation.outputs.maps import (
    ROUTE_MIN_DELTA_E,
    district_map,
    municipality_slug,
    render_map,
    write_maps,
)
from mobilstation.plan import LinkInfo, PlanRecord

MAX_BYTES = 3_000_000


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> PlanRecord:
    return small_plan()


@pytest.fixture(scope="module")
def district(plan: PlanRecord) -> District:
    return load_district(plan.scenario.district)


@pytest.fixture(scope="module")
def written(
    plan: PlanRecord, district: District, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("maps")
    return out, write_maps(plan, out, district=district)


# -- helpers ------------------------------------------------------------------------------------


def walk(element: Any) -> list[Any]:
    """Every element below ``element`` in the Folium/branca tree."""
    found = []
    for child in element._children.values():
        found.append(child)
        found.extend(walk(child))
    return found


def stop_chips(m: folium.Map) -> list[tuple[str, str, int]]:
    """(route, site, seq) of every visit chip drawn in the map's place markers."""
    pattern = re.compile(r"class='ms-stop[^']*' data-site='([^']*)' data-route='([^']*)' data-seq='(\d+)'")
    chips = []
    for e in walk(m):
        if isinstance(e, folium.DivIcon):
            for mm in pattern.finditer(e.options.get("html") or ""):
                chips.append((mm.group(2), mm.group(1), int(mm.group(3))))
    return sorted(chips)


def place_icons(m: folium.Map) -> list[folium.DivIcon]:
    return [e for e in walk(m) if isinstance(e, folium.DivIcon) and "ms-place" in (e.options.get("html") or "")]


def route_lines(m: folium.Map) -> list[folium.PolyLine]:
    return [
        e for e in walk(m) if isinstance(e, folium.PolyLine) and "ms-route" in e.options.get("className", "")
    ]


def summary(page: str) -> dict[str, Any]:
    match = re.search(r"<script type='application/json' id='ms-summary'>(.*?)</script>", page, re.S)
    assert match, "page has no ms-summary"
    return json.loads(match.group(1))


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def hrefs(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return parser.hrefs


def expected_stops(plan: PlanRecord, municipality: str | None = None) -> list[tuple[str, str, int]]:
    """(route id, site id, seq) of every stop the map must draw."""
    sites = {s.id: s for s in plan.sites}
    out = []
    for r in plan.routes:
        if municipality and not any(sites[s.site_id].municipality_code == municipality for s in r.stops):
            continue
        out += [(r.id, s.site_id, s.seq) for s in r.stops]
    return sorted(out)


# -- the district map ---------------------------------------------------------------------------


def test_one_marker_per_stop_and_one_line_per_route(plan: PlanRecord, district: District) -> None:
    m = district_map(plan, district=district)
    stops = expected_stops(plan)
    assert len(stops) == 7  # the fixture's four routes: 2 + 2 + 1 + 2 stops
    assert stop_chips(m) == stops
    # one marker per place: visits at one place share it, and no two markers share a coordinate
    icons = place_icons(m)
    points = [tuple(e._parent.location) for e in icons]
    assert len(points) == len(set(points))
    aalborg_oest = [e for e in icons if "data-site='aalborg-oest'" in e.options["html"]]
    assert len(aalborg_oest) == 1 and aalborg_oest[0].options["html"].count("data-site='aalborg-oest'") == 2
    assert ">ma 2<" in aalborg_oest[0].options["html"] and ">ti 1<" in aalborg_oest[0].options["html"]
    non_empty = [r for r in plan.routes if r.stops]
    assert len(route_lines(m)) == len(non_empty) == 4

    page = render_map(m)
    assert len(re.findall(r'"className": "ms-route"', page)) == len(non_empty)
    s = summary(page)
    assert (s["stops"], s["routes"], s["stations"], s["hotspots"], s["unvisited"], s["links"]) == (
        7,
        4,
        len(plan.stations),
        len(plan.hotspots),
        len(plan.unvisited),
        len(plan.links),
    )
    # one toggleable layer per route, named in Danish after vehicle and day
    assert "Mobil politistation 2 — mandag 7/12" in s["route_layers"]
    assert "Mobil politistation 1 — tirsdag 8/12" in s["route_layers"]
    layer_names = " ".join(e.layer_name for e in walk(m) if isinstance(e, folium.FeatureGroup))
    assert all(name in layer_names for name in s["route_layers"])
    assert layer_names.count("class='ms-swatch'") == len(non_empty)  # each route's colour in the layer list
    # as many colours as vehicle-days, far apart (CIEDE2000)
    colours = [pl.options["color"] for pl in route_lines(m)]
    assert len(set(colours)) == len(non_empty) and min_pairwise(colours) >= ROUTE_MIN_DELTA_E[12]
    assert any(isinstance(e, folium.LayerControl) for e in walk(m))


def test_route_line_runs_depot_stops_depot_and_crosses_on_the_ferry(
    plan: PlanRecord, district: District
) -> None:
    m = district_map(plan, district=district)
    route = next(r for r in plan.routes if r.id == "mobil-2-2026-12-07")  # Hjørring -> Sæby -> Byrum (Læsø)
    line = next(
        pl
        for pl in route_lines(m)
        if pl.options["color"]
        and pl._parent.layer_name.endswith("mandag 7/12")
        and "Mobil politistation 2" in pl._parent.layer_name
    )
    pts = [tuple(p) for p in line.locations]
    depot = (round(route.depot_lat, 5), round(route.depot_lon, 5))
    assert pts[0] == depot and pts[-1] == depot
    sites = {s.id: (round(s.lat, 5), round(s.lon, 5)) for s in plan.sites}
    assert [p for p in pts if p in sites.values()] == [sites["saeby"], sites["byrum"]]
    port_a, port_b = tuple(FERRY.a), tuple(FERRY.b)
    # out: Sæby -> port a -> port b -> Byrum; home: Byrum -> port b -> port a -> Hjørring
    i = pts.index(sites["saeby"])
    assert pts[i : i + 4] == [sites["saeby"], port_a, port_b, sites["byrum"]]
    assert pts[i + 3 : i + 7] == [sites["byrum"], port_b, port_a, depot]


def test_stop_popup_says_when_who_and_why(plan: PlanRecord, district: District) -> None:
    page = render_map(district_map(plan, district=district))
    # popups are bound with JSON strings; find Byrum's
    popups = [json.loads(p) for p in re.findall(r"\.bindPopup\((\".*?\"), \{", page)]
    byrum = [p for p in popups if "Byrum (Læsø)" in p]
    assert len(byrum) == 1
    text = byrum[0]
    for needle in (
        "By",
        "Læsø",
        "mandag 7/12",
        "Mobil politistation 2",
        "Søren Kjær",
        "Anne Bøgh Læssøe",
        "Hvorfor",
    ):
        assert needle in text, needle
    # the breakdown is listed largest first: distance 0.45, recency 0.25, population 0.05
    order = [
        text.index(w)
        for w in ("afstand til nærmeste station: 0,45", "tid siden sidste besøg: 0,25", "befolkning: 0,05")
    ]
    assert order == sorted(order)
    route = next(r for r in plan.routes if r.id == "mobil-2-2026-12-07")
    stop = next(s for s in route.stops if s.site_id == "byrum")
    assert f"{stop.start // 60:02d}:{stop.start % 60:02d}" in text


def test_unvisited_sites_are_grey_with_their_reason(plan: PlanRecord, district: District) -> None:
    m = district_map(plan, district=district)
    circles = re.findall(r"class='ms-unvisited[^']*'", "".join(e.options["html"] for e in place_icons(m)))
    visited = {s.site_id for r in plan.routes for s in r.stops}
    assert len(circles) == len([s for s in plan.sites if s.id not in visited]) == 2
    page = render_map(m)
    for u in plan.unvisited:
        assert _popup_contains(page, u.reason), u.site_id


def _popup_contains(page: str, text: str) -> bool:
    return any(text in json.loads(p) for p in re.findall(r"\.bindPopup\((\".*?\"), \{", page))


def test_hotspot_layer_is_graded_and_legend_is_danish(plan: PlanRecord, district: District) -> None:
    m = district_map(plan, district=district)
    layers = [e for e in walk(m) if isinstance(e, folium.GeoJson) and e.layer_name.startswith("Hotspots")]
    assert len(layers) == 1
    features = layers[0].data["features"]
    assert [f["properties"]["id"] for f in features] == [h.id for h in plan.hotspots]
    assert features[0]["properties"]["indbrud"] == plan.hotspots[0].incidents
    page = render_map(m)
    assert "id='ms-legend'" in page and "Signaturforklaring" in page
    for label in ("Ikke besøgt", "Politistation", "Færge", "Bro eller tunnel", "Hotspot for indbrud"):
        assert label in page
    # hotspots are outlined, so a 0.5 km² area shows against the land
    style = layers[0].style_function(features[0])
    assert style["weight"] >= 2 and style["color"] == "#b00020"
    assert "ms-hotspot-scale" in page and "Hotspot-intensitet" in page


def test_synthetic_banner_and_travel_note_iff_flagged(plan: PlanRecord, district: District) -> None:
    page = render_map(district_map(plan, district=district))
    assert plan.synthetic_inputs == ["incidents"]
    assert "id='ms-synthetic'" in page and "Syntetiske data" in page
    assert "Køretider er estimater" in page

    real = plan.model_copy(
        update={"synthetic_inputs": [], "travel": plan.travel.model_copy(update={"estimated": False})}
    )
    page = render_map(district_map(real, district=district))
    assert "id='ms-synthetic'" not in page  # no banner element (CSS rules and the script's lookup may stay)
    assert "Syntetiske data" not in page
    assert "Køretider er estimater" not in page


def test_page_loads_nothing_from_outside(plan: PlanRecord, district: District) -> None:
    page = render_map(district_map(plan, district=district))
    assert external_references(page) == []
    for needle in (
        "<script src",
        "<link ",
        "bootstrap",
        "font-awesome",
        "fontawesome",
        "jquery",
        "glyphicons",
    ):
        assert needle not in page.lower(), needle
    assert "Leaflet 1." in page  # inlined, not linked
    # the check itself bites: Folium's default page links CDNs, and so does a doctored page
    with pytest.raises(OfflineAssetError):
        assert_offline(folium.Map(tiles=None).get_root().render(), "plain folium")
    with pytest.raises(OfflineAssetError, match="script src"):
        assert_offline(
            page.replace("<head>", '<head><script src="https://cdn.example/x.js"></script>'), "doctored"
        )
    with pytest.raises(OfflineAssetError, match="css url"):
        assert_offline(
            page.replace("</head>", "<style>a{background:url(//x.example/a.png)}</style></head>"), "x"
        )


def test_make_offline_touches_only_its_own_map() -> None:
    a = folium.Map(tiles=None)
    make_offline(a)
    b = folium.Map(tiles=None)
    assert a.default_js == [] and b.default_js, "class-level CDN list must stay intact for other maps"
    assert external_references(b.get_root().render())


# -- municipality maps --------------------------------------------------------------------------


def test_municipality_map_shows_routes_that_stop_there(plan: PlanRecord, district: District) -> None:
    m = district_map(plan, municipality="Læsø", district=district)
    assert stop_chips(m) == expected_stops(plan, "0825") and len(stop_chips(m)) == 2  # Sæby and Byrum
    assert len(route_lines(m)) == 1
    page = render_map(m)
    s = summary(page)
    assert s["municipality"] == "0825" and s["route_layers"] == ["Mobil politistation 2 — mandag 7/12"]
    assert s["hotspots"] == 0 and s["unvisited"] == 0
    # zoomed to Læsø's polygon
    bounds = next(e for e in walk(m) if isinstance(e, folium.FitBounds)).bounds
    minx, miny, maxx, maxy = next(x for x in district.municipalities if x.code == "0825").geometry.bounds
    assert bounds[0] == pytest.approx([miny, minx]) and bounds[1] == pytest.approx([maxy, maxx])
    # its KPIs against its quota (1 visit, 1.5 h): Byrum 90 min of station time
    kpi = re.search(r"<table class='ms-kpi' id='ms-kpi'>(.*?)</table>", page, re.S).group(1)
    assert "<th>Besøg</th><td>1</td>" in kpi and "1 besøg / 1,5 t" in kpi and ">ja<" in kpi

    aalborg = district_map(plan, municipality="0851", district=district)
    assert stop_chips(aalborg) == expected_stops(plan, "0851") and len(stop_chips(aalborg)) == 3
    assert len(route_lines(aalborg)) == 2
    jammerbugt = district_map(plan, municipality="jammerbugt", district=district)
    assert stop_chips(jammerbugt) == [] and route_lines(jammerbugt) == []
    assert summary(render_map(jammerbugt))["unvisited"] == 1  # Fjerritslev


def test_unknown_municipality_and_missing_polygon_are_input_errors(
    plan: PlanRecord, district: District
) -> None:
    with pytest.raises(InputError, match=r"'Hjøring'.*Hjørring"):
        district_map(plan, municipality="Hjøring", district=district)
    partial = District(
        number=district.number,
        name=district.name,
        municipalities=tuple(x for x in district.municipalities if x.code != "0825"),
        towns=(),
        stations=(),
        postal_districts=(),
        links=(),
        geometry=district.geometry,
    )
    with pytest.raises(GeodataError, match="0825"):
        district_map(plan, district=partial)


def test_slugs_keep_files_ascii() -> None:
    assert municipality_slug("Hjørring") == "hjoerring"
    assert municipality_slug("Læsø") == "laesoe"
    assert municipality_slug("Brønderslev") == "broenderslev"
    assert municipality_slug("Ærø Kommune") == "aeroe-kommune"
    assert municipality_slug("Åbenrå") == "aabenraa"


# -- written files ------------------------------------------------------------------------------


def test_write_maps_writes_every_municipality_and_small_pages(
    plan: PlanRecord, written: tuple[Path, list[Path]]
) -> None:
    out, paths = written
    expected = {out / "map.html", out / "index.html"} | {
        out / "maps" / f"{municipality_slug(x.name)}.html" for x in plan.municipalities
    }
    assert set(paths) == expected and all(p.is_file() for p in paths)
    assert len(paths) == len(plan.municipalities) + 2
    assert (out / "map.html").stat().st_size < MAX_BYTES
    for p in paths:
        page = p.read_text(encoding="utf-8")
        assert external_references(page) == [], p
    laesoe = (out / "maps" / "laesoe.html").read_text(encoding="utf-8")
    assert "<title>Læsø \u2013 Uge 50, 2026" in laesoe  # Danish name kept in the page


def test_boundaries_are_simplified_and_rounded(plan: PlanRecord, district: District) -> None:
    m = district_map(plan, district=district)
    layer = next(e for e in walk(m) if isinstance(e, folium.GeoJson) and e.layer_name == "Kommunegrænser")
    drawn = sum(len(json.dumps(f["geometry"])) for f in layer.data["features"])
    coords = re.findall(r"-?\d+\.\d+", json.dumps([f["geometry"] for f in layer.data["features"]]))
    assert coords and all(len(c.split(".")[1]) <= 5 for c in coords)
    # simplified in metres: fewer vertices than the source polygons, same municipalities
    assert {f["properties"]["code"] for f in layer.data["features"]} == {
        x.code for x in district.municipalities
    }
    source_vertices = sum(
        len(re.findall(r"\d+\.\d+", json.dumps(mapping(x.geometry)))) for x in district.municipalities
    )
    assert len(coords) < source_vertices
    assert drawn < 1_500_000


def test_links_resolve_to_written_files(written: tuple[Path, list[Path]]) -> None:
    out, paths = written
    index = (out / "index.html").read_text(encoding="utf-8")
    links = hrefs(index)
    assert "map.html" in links
    assert {(out / h).resolve() for h in links} >= {p.resolve() for p in paths if p.name != "index.html"}
    for page in paths:
        for h in hrefs(page.read_text(encoding="utf-8")):
            if h.startswith(("http://", "https://")):
                continue  # Leaflet's attribution link
            assert (page.parent / h).resolve().is_file(), f"{page.name}: broken link {h}"


def test_index_table_matches_plan_kpis(plan: PlanRecord, written: tuple[Path, list[Path]]) -> None:
    out, _ = written
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Syntetiske data" in page and "Køretider er estimater" in page
    rows = {r.code: r for r in municipality_rows(plan)}
    kpis = plan.kpis["by_municipality"]  # computed independently by the fixture
    for code, k in kpis.items():
        r = rows[code]
        assert r.visits == k["visits"]
        assert r.station_hours == pytest.approx(k["mobile_hours"], abs=1e-3)
        assert r.officer_hours == pytest.approx(k["patrol_hours"], abs=1e-3)
        if k["hours_per_1000"] is not None:
            assert r.hours_per_1000 == pytest.approx(k["hours_per_1000"], abs=1e-3)
        assert (r.quota_met if r.has_quota else True) == k["quota_met"]
        row_html = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S).group(1)
        assert f"<td>{k['visits']}</td>" in row_html
    # Aalborg: Hals + Aalborg Øst twice = 3 visits; 45 + 60 + 60 min station + 120 min patrol = 4.75 h
    aal = re.search(r'<tr data-code="0851">(.*?)</tr>', page, re.S).group(1)
    assert "<td>3</td>" in aal and "4,8 (2,8 + 2,0)" in aal and ">ja<" in aal
    assert Counter(re.findall(r'class="(ok|short|none)"', page)) == Counter(
        "none" if not r.has_quota else ("ok" if r.quota_met else "short") for r in rows.values()
    )


def test_plan_without_routes_hotspots_or_links_still_draws(plan: PlanRecord, district: District) -> None:
    bare = plan.model_copy(update={"routes": [], "hotspots": [], "links": [], "unvisited": [], "hours": []})
    m = district_map(bare, district=district)
    assert stop_chips(m) == [] and route_lines(m) == []
    page = render_map(m)
    s = summary(page)
    assert (s["stops"], s["routes"], s["hotspots"], s["links"]) == (0, 0, 0, 0)
    assert s["unvisited"] == len(plan.sites)  # nothing visited: every candidate is grey
    assert "ms-hotspot-scale" not in page and "Signaturforklaring" in page
    assert "0 besøg på 0 ruter" in page


def test_district_is_loaded_by_the_plans_name_when_not_given(plan: PlanRecord, district: District) -> None:
    loaded = summary(render_map(district_map(plan, municipality="Hjørring")))
    given = summary(render_map(district_map(plan, municipality="Hjørring", district=district)))
    assert loaded == given and loaded["stops"] == len(expected_stops(plan, "0860")) == 2  # Lønstrup, Vrå


# -- colours, labels, links, dates --------------------------------------------------------------


def test_ciede2000_matches_sharma_test_pairs() -> None:
    from mobilstation.outputs.colours import ciede2000_lab

    pairs = [  # Sharma, Wu & Dalal (2005), table 1
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
        ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ]
    for a, b, expected in pairs:
        assert ciede2000_lab(a, b) == pytest.approx(expected, abs=1e-4)


def test_route_palette_meets_the_stated_minimum() -> None:
    # for scale: the earlier palette's near-twins #009e73/#44aa99 differ by under 10
    assert ciede2000("#009e73", "#44aa99") < 10
    for n_max, limit in ROUTE_MIN_DELTA_E.items():
        for n in (2, n_max // 2, n_max):
            palette = route_palette(n)
            assert len(set(palette)) == n and min_pairwise(palette) >= limit, (n, min_pairwise(palette))


def test_place_and_municipality_labels(plan: PlanRecord, district: District) -> None:
    page = render_map(district_map(plan, district=district))
    icons = "".join(e.options["html"] for e in place_icons(district_map(plan, district=district)))
    visited = {s.site_id for r in plan.routes for s in r.stops}
    for s in plan.sites:
        cls = "ms-label-visited" if s.id in visited else "ms-label-minor"
        assert re.search(rf"class='ms-label {cls}'>[^<]*{re.escape(s.name.split(':')[0])}", icons), s.name
    m = district_map(plan, district=district)
    mun_labels = "".join(
        e.options["html"] for e in walk(m) if isinstance(e, folium.DivIcon) and "ms-mun-label" in e.options["html"]
    )
    for mun in plan.municipalities:
        assert f"class='ms-mun-label' data-code='{mun.code}'>{mun.name}</div>" in mun_labels
    assert "GeoNames" in page and "DAGI" in page


def test_bridge_leg_is_drawn_through_the_bridge(plan: PlanRecord, district: District) -> None:
    bridged = plan.model_copy(deep=True)
    bridge = LinkInfo(
        id="limfjordsbroen", name="Limfjordsbroen", kind="bridge",
        a=[57.05132, 9.91933], b=[57.05796, 9.91982], crossing_min=2,
    )  # fmt: skip
    bridged.links.append(bridge)
    route = next(r for r in bridged.routes if r.id == "mobil-1-2026-12-07")
    route.legs[0].links = ["limfjordsbroen"]
    m = district_map(bridged, district=district)
    line = next(pl for pl in route_lines(m) if "mandag 7/12" in pl._parent.layer_name and "1 " in pl._parent.layer_name)
    pts = [tuple(p) for p in line.locations]
    depot = (round(route.depot_lat, 5), round(route.depot_lon, 5))
    hals = next((round(s.lat, 5), round(s.lon, 5)) for s in bridged.sites if s.id == "hals")
    assert pts[:4] == [depot, tuple(bridge.a), tuple(bridge.b), hals]  # nearer end first, then across


def test_one_date_style_in_popups(plan: PlanRecord, district: District) -> None:
    page = render_map(district_map(plan, district=district))
    popups = " ".join(json.loads(p) for p in re.findall(r"\.bindPopup\((\".*?\"), \{", page))
    assert "mandag 7/12 kl. 12:21" in popups
    assert not re.search(r"\d{4}-\d{2}-\d{2}", popups) and not re.search(r"\(\w{3} \d+\.\d+\.\)", popups)
