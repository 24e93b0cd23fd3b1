"""Time hotspot detection on 10,000 and 100,000 synthetic incidents over a whole district.

Usage::

    python benchmarks/hotspots.py [--district "Nordjyllands Politi"] [--sizes 10000 100000] [--repeat 3]

Incidents come from the seeded synthetic generator with its rate scaled to
the wanted count (and one near-repeat burst per 500 incidents), ending on
``--as-of``. For each size and method (``kde``, ``gistar``) it prints the best
of ``--repeat`` runs of ``detect_hotspots`` (district given, so the
point-in-district masking is included) and, separately, of
``write_hotspots``. Target: detection of 100,000 incidents in under 5 s on
one core.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date

from mobilstation.demand.hotspots import HotspotParams, detect_hotspots, write_hotspots
from mobilstation.demand.synthetic import SyntheticParams, synthetic_incidents
from mobilstation.geo import load_district


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default="Nordjyllands Politi")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 29))
    args = parser.parse_args()

    district = load_district(args.district)
    population = sum(m.population or 0 for m in district.municipalities)
    base = SyntheticParams(end_date=args.as_of)
    per_year = 365.25 / (7 * base.weeks)
    print(f"district {district.name!r}, population {population:,}, as of {args.as_of}")
    print(
        f"{'incidents':>10} {'method':>7} {'detect s':>9} {'write s':>8} {'cells':>7} {'hot':>6} {'areas':>6}"
    )
    for size in args.sizes:
        clusters = size // 500
        background = size - clusters * base.cluster_size
        rate = background / population * 1000 * per_year
        t0 = time.perf_counter()
        incidents = synthetic_incidents(
            district, SyntheticParams(end_date=args.as_of, rate_per_1000=rate, clusters=clusters, seed=size)
        )
        gen_s = time.perf_counter() - t0
        for method in ("kde", "gistar"):
            params = HotspotParams(method=method)
            best_detect = best_write = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                hs = detect_hotspots(incidents, params, as_of=args.as_of, district=district)
                best_detect = min(best_detect, time.perf_counter() - t0)
                with tempfile.TemporaryDirectory() as tmp:
                    t0 = time.perf_counter()
                    write_hotspots(hs, tmp)
                    best_write = min(best_write, time.perf_counter() - t0)
            print(
                f"{len(incidents):>10,} {method:>7} {best_detect:>9.2f} {best_write:>8.2f} "
                f"{len(hs.cells):>7,} {int(hs.cells['hot'].sum()):>6,} {len(hs.areas):>6}"
            )
        print(f"{'':>10} (generating {len(incidents):,} incidents took {gen_s:.2f} s)")


if __name__ == "__main__":
    main()
