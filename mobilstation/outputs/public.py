"""The public schedule: when the mobile police station comes to town, for citizens.

``offentlig_plan.html`` (for the police website or a social-media post) and
``offentlig_plan.csv`` list the week's mobile-station openings at towns,
outlying areas and neighbourhoods: place, municipality, day and time. And
nothing else, on purpose:

* no request visits: an announced traffic check is no check, and a meeting
  a citizen asked for is private;
* no officer names, no notes from citizens, no hotspot areas, no scores,
  no coordinates of burglary neighbourhoods beyond the place's name.

Every row is built from the site's kind, name and municipality and the
stop's date and times; nothing free-text from a request can reach it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mobilstation._io import atomic_write_bytes, atomic_write_text
from mobilstation.outputs import labels as L
from mobilstation.outputs.index_page import week_label
from mobilstation.outputs.tables import csv_bytes
from mobilstation.plan import PlanRecord
from mobilstation.untrusted import display_text

PUBLIC_HTML = "offentlig_plan.html"
PUBLIC_CSV = "offentlig_plan.csv"
PUBLIC_KINDS = ("town", "outlying", "neighbourhood")
"""Site kinds whose mobile-station openings are announced."""


@dataclass(frozen=True)
class Opening:
    """One public opening of the mobile police station."""

    date: str
    start: int
    end: int
    place: str
    municipality: str
    kind: str


def openings(plan: PlanRecord) -> list[Opening]:
    """Every mobile-station opening at a public kind of site, by date, time and place."""
    sites = {s.id: s for s in plan.sites}
    munis = {m.code: m.name for m in plan.municipalities}
    out = []
    for route in plan.routes:
        for stop in route.stops:
            site = sites.get(stop.site_id)
            if site is None or site.kind not in PUBLIC_KINDS:
                continue
            out.append(
                Opening(
                    route.date,
                    stop.start,
                    stop.end,
                    public_place(site.name, site.kind),
                    munis.get(site.municipality_code, site.municipality_code),
                    site.kind,
                )
            )
    return sorted(out, key=lambda o: (o.date, o.start, o.place))


_NEIGHBOURHOOD_PREFIX = "Indbrudsområde "


def public_place(name: str, kind: str) -> str:
    """The place as citizens are told it: a neighbourhood is named by its town, not as a burglary area."""
    if kind == "neighbourhood":
        town = name.removeprefix(_NEIGHBOURHOOD_PREFIX).strip()
        return f"Boligområde ved {town}"
    return name


_PUBLIC_KIND_NAMES = {"town": "by", "outlying": "landområde", "neighbourhood": "boligområde"}


def public_frame(plan: PlanRecord) -> pd.DataFrame:
    """The CSV's rows: dato, ugedag, fra, til, sted, kommune, type."""
    rows = [
        {
            "dato": o.date,
            "ugedag": L.day_name(o.date),
            "fra": L.clock(o.start),
            "til": L.clock(o.end),
            "sted": o.place,
            "kommune": o.municipality,
            "type": _PUBLIC_KIND_NAMES[o.kind],
        }
        for o in openings(plan)
    ]
    return pd.DataFrame(rows, columns=["dato", "ugedag", "fra", "til", "sted", "kommune", "type"])


_CSS = """
body{font:16px/1.45 "DejaVu Sans",Arial,sans-serif;color:#111;max-width:46rem;margin:1.5rem auto;
 padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.2rem 0 .3rem;text-transform:capitalize}
ul{padding-left:1.1rem;margin:.2rem 0}li{margin:.15rem 0}
.who{font-size:.85rem;color:#444;border:1px solid #aaa;padding:.2rem .5rem;display:inline-block}
"""


def public_html(plan: PlanRecord) -> str:
    """The page citizens read: the week's openings grouped by day."""

    def e(text: object) -> str:
        return html.escape(str(display_text(str(text))))

    by_day: dict[str, list[Opening]] = {}
    for o in openings(plan):
        by_day.setdefault(o.date, []).append(o)
    parts = [
        "<!DOCTYPE html>\n<html lang='da'><head><meta charset='utf-8'>",
        f"<title>Mobil politistation \u2013 {e(week_label(plan))}</title><style>{_CSS}</style></head><body>",
        f"<h1>Her kommer den mobile politistation \u2013 {e(week_label(plan))}</h1>",
        f"<div class='who'>{e(L.AUDIENCE['public'])}</div>",
        f"<p>{e(plan.scenario.district)} kommer med den mobile politistation til disse steder. "
        "Kom forbi og tal med politiet \u2013 du behøver ikke at bestille tid. "
        "Ved akut behov: ring 112. Ellers: ring 114.</p>",
    ]
    if plan.synthetic_inputs:
        parts.append(
            "<p class='synthetic'><b>Eksempel:</b> denne plan bygger på syntetiske (opdigtede) data "
            "og er ikke politiets rigtige plan.</p>"
        )
    if not by_day:
        parts.append("<p>Der er ingen planlagte besøg i denne uge.</p>")
    for day, items in by_day.items():
        parts.append(f"<h2>{e(L.day_date(day))}</h2><ul>")
        for o in items:
            parts.append(
                f"<li class='opening'>kl. {L.clock(o.start)}\u2013{L.clock(o.end)}: "
                f"<b>{e(o.place)}</b> ({e(o.municipality)} Kommune)</li>"
            )
        parts.append("</ul>")
    parts.append("<p>Tider kan ændres, hvis politiet bliver kaldt til en akut opgave.</p></body></html>\n")
    return "".join(parts)


def write_public(plan: PlanRecord, out_dir: str | Path) -> list[Path]:
    """Write ``offentlig_plan.html`` and ``offentlig_plan.csv`` into ``out_dir``."""
    out = Path(out_dir)
    return [
        atomic_write_text(out / PUBLIC_HTML, public_html(plan)),
        atomic_write_bytes(out / PUBLIC_CSV, csv_bytes(public_frame(plan))),
    ]
