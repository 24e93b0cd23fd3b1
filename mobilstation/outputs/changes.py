"""The change set of a revised week: what a crew, a leader or a citizen must hear about.

When a plan replaces the published one of its week (a re-plan after a
breakdown, or any ``publish --revise``), the people concerned need the
differences, not a new plan to compare by eye. :func:`changes` pairs the
visits of each site in date order: a visit on another day, at another time
or with another vehicle is *flyttet* (moved), one only in the old plan
*aflyst* (cancelled), one only in the new *tilføjet* (added); the same
visit made by another crew is *ny besætning* (the officers must hear, the
visit itself has not moved). Files (for
the planner and the crews, internal):

* ``changes.csv``: one row per change (semicolon, decimal comma, BOM, text
  made safe as every CSV of the product);
* ``aendringer.html``: the same in Danish with whom each change concerns
  (the crews' officers before and after, the municipality) and the week's
  key figures before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Literal

import pandas as pd

from mobilstation._io import atomic_write_bytes, atomic_write_text
from mobilstation.plan import PlanRecord
from mobilstation.untrusted import display_text

__all__ = ["CHANGES_CSV", "CHANGES_HTML", "Change", "changes", "write_changes"]

CHANGES_CSV = "changes.csv"
CHANGES_HTML = "aendringer.html"


@dataclass(frozen=True)
class Change:
    """One visit added, moved or cancelled (compared with the published plan)."""

    change: Literal["tilføjet", "flyttet", "aflyst", "ny besætning"]
    site_id: str
    site: str
    municipality_code: str
    before: str  # "tirsdag 1/12 kl. 10:15 (bil1)" or ""
    after: str
    crew_before: tuple[str, ...]
    crew_after: tuple[str, ...]


def _when(day: str, start: int, vehicle: str) -> str:
    from mobilstation.outputs.labels import DAY_NAMES

    d = date.fromisoformat(day)
    return f"{DAY_NAMES[d.weekday()]} {d.day}/{d.month} kl. {start // 60:02d}:{start % 60:02d} ({vehicle})"


def changes(before: PlanRecord, after: PlanRecord) -> list[Change]:
    """Every visit added, moved (other day, time or vehicle) or cancelled, site by site, in date order.

    Visits of one site are paired in date order, so a site visited twice
    that loses one visit shows one cancellation, not two moves.
    """

    def visits(p: PlanRecord) -> dict[str, list[tuple[str, int, str, tuple[str, ...]]]]:
        out: dict[str, list[tuple[str, int, str, tuple[str, ...]]]] = {}
        for r in p.routes:
            for st in r.stops:
                out.setdefault(st.site_id, []).append((r.date, st.start, r.vehicle_id, tuple(r.crew)))
        for v in out.values():
            v.sort()
        return out

    a, b = visits(before), visits(after)
    names = {s.id: s for s in before.sites} | {s.id: s for s in after.sites}
    out: list[Change] = []
    order = sorted(set(a) | set(b), key=lambda s: (min(x[0:2] for x in a.get(s, []) + b.get(s, [])), s))
    for sid in order:
        old, new = list(a.get(sid, [])), list(b.get(sid, []))
        site = names[sid]
        for v in list(old):
            same = next((n for n in new if n[:3] == v[:3]), None)  # the same visit: day, start, van
            if same is None:
                continue
            old.remove(v)
            new.remove(same)
            if same[3] != v[3]:  # another crew makes it: the officers must hear
                when = _when(v[0], v[1], v[2])
                out.append(Change("ny besætning", sid, site.name, site.municipality_code, when, when, v[3], same[3]))
        while old and new:
            o, n = old.pop(0), new.pop(0)
            out.append(
                Change("flyttet", sid, site.name, site.municipality_code,
                       _when(o[0], o[1], o[2]), _when(n[0], n[1], n[2]), o[3], n[3])
            )  # fmt: skip
        for o in old:
            out.append(Change("aflyst", sid, site.name, site.municipality_code, _when(*o[:3]), "", o[3], ()))
        for n in new:
            out.append(Change("tilføjet", sid, site.name, site.municipality_code, "", _when(*n[:3]), (), n[3]))
    return out


def _officer_names(plan: PlanRecord) -> dict[str, str]:
    return {o.id: o.name for o in plan.officers}


def _figures(plan: PlanRecord) -> dict[str, str]:
    from mobilstation.api import plan_summary

    s = plan_summary(plan)
    k = plan.kpis
    obj = k.get("objective")
    return {
        "Besøg": str(s["visits"]),
        "Steder besøgt": f"{s['sites_visited']} af {s['candidates']}",
        "Kvoter opfyldt": f"{s['quotas_met']} af {s['quotas']}",
        "Mobile timer": f"{s['mobile_hours']:.1f}".replace(".", ","),
        "Patruljetimer": f"{s['patrol_hours']:.1f}".replace(".", ","),
        "Målværdi": "-" if obj is None else f"{float(obj):.1f}".replace(".", ","),
    }


def write_changes(before: PlanRecord, after: PlanRecord, out_dir: Path) -> list[Change]:
    """Write ``changes.csv`` and ``aendringer.html`` into ``out_dir``; return the changes."""
    from mobilstation.outputs.labels import AUDIENCE_INTERNAL
    from mobilstation.outputs.tables import csv_bytes

    found = changes(before, after)
    names = _officer_names(before) | _officer_names(after)
    munis = {m.code: m.name for m in after.municipalities}

    def crew(ids: tuple[str, ...]) -> str:
        return ", ".join(names.get(i, i) for i in ids)

    frame = pd.DataFrame(
        [
            {
                "ændring": c.change,
                "sted_id": c.site_id,
                "sted": c.site,
                "kommune": munis.get(c.municipality_code, c.municipality_code),
                "før": c.before,
                "efter": c.after,
                "besætning_før": crew(c.crew_before),
                "besætning_efter": crew(c.crew_after),
            }
            for c in found
        ],
        columns=["ændring", "sted_id", "sted", "kommune", "før", "efter", "besætning_før", "besætning_efter"],
    )
    atomic_write_bytes(out_dir / CHANGES_CSV, csv_bytes(frame))

    def e(v: object) -> str:
        return escape(str(display_text(v)))

    fig_a, fig_b = _figures(before), _figures(after)
    counts = {k: sum(1 for c in found if c.change == k) for k in ("tilføjet", "flyttet", "aflyst", "ny besætning")}
    rows = "".join(
        f"<tr class='{e(c.change)}'><td>{e(c.change)}</td><td>{e(c.site)}</td>"
        f"<td>{e(munis.get(c.municipality_code, c.municipality_code))}</td><td>{e(c.before)}</td>"
        f"<td>{e(c.after)}</td><td>{e(crew(c.crew_before))}</td><td>{e(crew(c.crew_after))}</td></tr>"
        for c in found
    )
    figs = "".join(f"<tr><td>{e(k)}</td><td>{e(fig_a[k])}</td><td>{e(fig_b[k])}</td></tr>" for k in fig_a)
    notes = "".join(f"<li>{e(n)}</li>" for n in after.notes if n.startswith(("genplan", "bil", "LB")) or "lukket" in n)
    html = (
        "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
        f"<title>Ændringer uge {e(after.scenario.iso_week)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:72rem}"
        "table{border-collapse:collapse;margin:0.6rem 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}"
        "tr.aflyst td:first-child{color:#b00020;font-weight:600}tr.tilføjet td:first-child{color:#006d2c;font-weight:600}"
        "tr.flyttet td:first-child{color:#8a5300;font-weight:600}.aud{color:#555;font-size:0.9rem}</style></head><body>"
        f"<h1>Ændringer i ugeplanen, uge {e(after.scenario.iso_week)}</h1>"
        f"<p class='aud'>{e(AUDIENCE_INTERNAL)}</p>"
        f"<p>{counts['tilføjet']} tilføjet, {counts['flyttet']} flyttet, {counts['aflyst']} aflyst, "
        f"{counts['ny besætning']} med ny besætning i forhold til den offentliggjorte plan.</p>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "<table><thead><tr><th>Ændring</th><th>Sted</th><th>Kommune</th><th>Før</th><th>Efter</th>"
        "<th>Besætning før</th><th>Besætning efter</th></tr></thead><tbody>"
        + (rows or "<tr><td colspan='7'>Ingen ændringer</td></tr>")
        + "</tbody></table><h2>Nøgletal</h2><table><thead><tr><th></th><th>Før</th><th>Efter</th></tr></thead>"
        f"<tbody>{figs}</tbody></table></body></html>\n"
    )
    atomic_write_text(out_dir / CHANGES_HTML, html)
    return found
