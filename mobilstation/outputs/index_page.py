"""``index.html``: the one-screen Danish summary a local leader opens first.

It shows the planned week, one row per municipality (visits, hours, hours per
1,000 inhabitants, whether the quota is met), links to the district map and to
each municipality's map, the notices a reader must not miss (synthetic
input data, estimated travel times), and which file is for whom
(:data:`OUTPUT_FILES`: day sheets for crews, the public schedule for
citizens, ...). Plain HTML with inline CSS; no script
and no external asset, so it opens anywhere.

The per-municipality numbers are recomputed from the plan record alone by
:func:`municipality_rows` (the maps show the same numbers):

* ``visits``: mobile-station stops at sites in the municipality;
* ``station_hours``: hours the mobile station stands at those stops
  (stop ``end - start``);
* ``officer_hours``: lokalbetjent hours allocated to areas in the
  municipality (``plan.hours``);
* ``hours``: their sum, the police presence the quota in hours is checked
  against (``MunicipalityInfo.quota_hours``);
* ``hours_per_1000``: ``hours`` per 1,000 inhabitants (None without a
  population).
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mobilstation._io import atomic_write_text
from mobilstation.outputs import labels as L
from mobilstation.plan import PlanRecord
from mobilstation.untrusted import display_text

_QUOTA_EPS = 1e-9

EN_DASH = "\u2013"
"""Danish typography: time ranges, titles and empty table cells use an en dash."""


@dataclass(frozen=True)
class MapFile:
    """One written map page. ``municipality_code`` is None for the district map."""

    path: Path
    title: str
    municipality_code: str | None = None


@dataclass(frozen=True)
class MunicipalityRow:
    """The planned week's presence in one municipality (see the module docstring)."""

    code: str
    name: str
    population: int | None
    visits: int
    station_hours: float
    officer_hours: float
    quota_visits: int
    quota_hours: float

    @property
    def hours(self) -> float:
        return self.station_hours + self.officer_hours

    @property
    def hours_per_1000(self) -> float | None:
        if not self.population:
            return None
        return self.hours * 1000.0 / self.population

    @property
    def visits_short(self) -> int:
        """Visits still missing to meet the quota (0 when met)."""
        return max(0, self.quota_visits - self.visits)

    @property
    def hours_short(self) -> float:
        """Hours still missing to meet the quota (0.0 when met)."""
        short = self.quota_hours - self.hours
        return short if short > _QUOTA_EPS else 0.0

    @property
    def has_quota(self) -> bool:
        return self.quota_visits > 0 or self.quota_hours > 0

    @property
    def quota_met(self) -> bool:
        return self.visits_short == 0 and self.hours_short == 0.0


def municipality_rows(plan: PlanRecord) -> list[MunicipalityRow]:
    """One row per ``plan.municipalities`` entry, in the plan's order."""
    site_mun = {s.id: s.municipality_code for s in plan.sites}
    visits: dict[str, int] = {}
    station_min: dict[str, int] = {}
    for route in plan.routes:
        for stop in route.stops:
            code = site_mun.get(stop.site_id)
            if code is None:
                continue
            visits[code] = visits.get(code, 0) + 1
            station_min[code] = station_min.get(code, 0) + (stop.end - stop.start)
    officer_min: dict[str, int] = {}
    for alloc in plan.hours:
        officer_min[alloc.municipality_code] = officer_min.get(alloc.municipality_code, 0) + alloc.minutes
    return [
        MunicipalityRow(
            code=m.code,
            name=m.name,
            population=m.population,
            visits=visits.get(m.code, 0),
            station_hours=station_min.get(m.code, 0) / 60.0,
            officer_hours=officer_min.get(m.code, 0) / 60.0,
            quota_visits=m.quota_visits,
            quota_hours=m.quota_hours,
        )
        for m in plan.municipalities
    ]


# -- Danish formatting --------------------------------------------------------


def fmt_num(value: float, decimals: int = 1) -> str:
    """Danish number: decimal comma, dot as thousands separator ("1.234,5")."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_clock(minutes: int) -> str:
    """Minutes since midnight as "HH:MM"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def fmt_day(iso_date: str) -> str:
    """ISO date as Danish weekday and day/month ("mandag 7/12")."""
    d = date.fromisoformat(iso_date)
    return f"{L.DAY_NAMES[d.isoweekday() - 1]} {d.day}/{d.month}"


def week_label(plan: PlanRecord) -> str:
    """ "Uge 49, 2026 (mandag 30/11 - fredag 4/12)", with an en dash."""
    year, _, week = plan.scenario.iso_week.partition("-W")
    label = f"Uge {int(week)}, {year}" if week.isdigit() else plan.scenario.iso_week
    if plan.scenario.dates:
        label += f" ({fmt_day(plan.scenario.dates[0])} {EN_DASH} {fmt_day(plan.scenario.dates[-1])})"
    return label


def synthetic_notice(plan: PlanRecord) -> str | None:
    """The Danish synthetic-data sentence, or None when all inputs are real."""
    if not plan.synthetic_inputs:
        return None
    names = L.synthetic_inputs(plan.synthetic_inputs)
    return (
        f"Syntetiske data: {names} er kunstigt frembragt og ikke virkelige hændelser. "
        "Planen viser metoden, ikke den faktiske situation."
    )


def travel_notice(plan: PlanRecord) -> str | None:
    """The Danish note on estimated travel times, or None for road-network times."""
    if not plan.travel.estimated:
        return None
    return "Køretider er estimater (ikke beregnet på vejnettet); ruterne er tegnet som lige linjer."


def quota_text(row: MunicipalityRow) -> str:
    """ "ja", "ingen kvote" or "nej (mangler 1 besøg, 2,5 t)"."""
    if not row.has_quota:
        return "ingen kvote"
    if row.quota_met:
        return "ja"
    missing = []
    if row.visits_short:
        missing.append(f"{row.visits_short} besøg")
    if row.hours_short:
        missing.append(f"{fmt_num(row.hours_short)} t")
    return "nej (mangler " + ", ".join(missing) + ")"


# -- the page -----------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:1.2rem 2rem;color:#1b1b1b;
 background:#fafafa}
h1{font-size:1.5rem;margin:0 0 .2rem} .sub{color:#555;margin:0 0 1rem}
.notice{padding:.5rem .8rem;border-radius:4px;margin:.4rem 0;max-width:60rem}
.ms-synthetic-banner{background:#fff3cd;border:2px solid #e0a800;font-weight:600}
.ms-travel-note{background:#e8f1fb;border:1px solid #8fb3dd}
table{border-collapse:collapse;margin:1rem 0;background:#fff}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th{background:#eef1f4} td.name,th.name{text-align:left}
tr.total td{font-weight:700;background:#f3f3f3}
td.ok{color:#176b2c;font-weight:600} td.short{color:#a11;font-weight:600} td.none{color:#777}
ul.maps{columns:3;max-width:50rem;padding-left:1.2rem} a{color:#0b4f9c}
.foot{color:#666;font-size:.85rem;margin-top:1rem}
"""


OUTPUT_FILES: tuple[tuple[str, str, str], ...] = (
    ("dagsplaner.html", "Besætningen på den mobile politistation",
     "Dagsplan til udskrift: én A4-side pr. bil og dag med stop, tider, opgaver og navigation"),
    ("patruljeplaner.html", "Lokalbetjente", "Patruljedage til udskrift: områder og tider"),
    ("calendars/", "Besætninger og betjente",
     "Kalenderfiler (.ics) til Outlook og telefon; aflysninger i calendars/aflysninger/"),
    ("offentlig_plan.html", "Borgerne (politiets hjemmeside og sociale medier)",
     "Hvornår den mobile politistation kommer; intet internt"),
    ("offentlig_plan.csv", "Kommunikationsafdelingen", "Samme offentlige plan som tabel"),
    ("schedule.xlsx", "Planlæggere og lokalledere", "Arbejdsbog med alle ture, vagter og timer"),
    ("visits.csv", "Planlæggere og analytikere", "Alle besøg som tabel"),
    ("plan.gpkg", "GIS-medarbejdere (QGIS)", "Ruter, stop og områder som kortlag"),
    ("plan.json", "Systemet selv", "Den fulde plan; næste revision og genplanlægning bygger på den"),
)  # fmt: skip
"""Every output a reader may open, who it is for and what for (shown on the index page)."""


def campaign_text(progress: dict[str, object]) -> str:
    """``Butiksbesøg Hjørring: 8 af 11, frist uge 3 (2027)`` (done including this week's plan)."""
    text = f"{progress['name']}: {progress['done']} af {progress['total']}"
    week = progress.get("deadline_week")
    if week:
        year, num = str(week).split("-W")
        text += f", frist uge {int(num)} ({year})"
    if progress.get("planned"):
        text += f"; heraf {progress['planned']} i denne uge"
    return text


def _campaign_lines(plan: PlanRecord) -> list[str]:
    """One line per campaign (kpis.json's ``campaigns``), or nothing without campaigns."""
    campaigns = plan.kpis.get("campaigns") or {}
    if not campaigns:
        return []
    out = ["<h2 style='font-size:1.1rem'>Kampagner</h2><ul class='ms-campaigns'>"]
    for cid, c in campaigns.items():
        mark = " (syntetiske data)" if c.get("synthetic") else ""
        out.append(f'<li data-campaign="{_esc(cid)}">{_esc(campaign_text(c))}{mark}</li>')
    out.append("</ul>")
    return out


def _audience_table(out: Path) -> str:
    e = html.escape
    rows = []
    for name, who, what in OUTPUT_FILES:
        target = out / name
        label = e(name)
        if target.exists() and target.is_file():
            label = f'<a href="{_relative_href(target, out)}">{label}</a>'
        rows.append(f'<tr data-file="{e(name)}"><td class="name">{label}</td><td class="name">{e(who)}</td>'
                    f'<td class="name">{e(what)}</td></tr>')  # fmt: skip
    return (
        "<h2 style='font-size:1.1rem'>Hvem får hvilken fil</h2>"
        '<table class="ms-audiences"><thead><tr><th class="name">Fil</th><th class="name">Til</th>'
        f'<th class="name">Hvad</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _generated(plan: PlanRecord) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    t = datetime.fromisoformat(plan.generated_at).astimezone(ZoneInfo(plan.timezone))
    return L.when(t.date(), t.hour * 60 + t.minute)


def _esc(value: object, quote: bool = True) -> str:
    """Text from the plan as HTML: cleaned for reading (no control or bidi characters), then escaped."""
    return html.escape(str(display_text(str(value))), quote=quote)


def _relative_href(target: Path, out_dir: Path) -> str:
    rel = Path(os.path.relpath(target, out_dir)).as_posix()
    return html.escape(rel, quote=True)


def render_index(
    plan: PlanRecord,
    out_dir: str | os.PathLike[str],
    map_files: Sequence[MapFile],
    *,
    district_name: str | None = None,
) -> str:
    """The index page as HTML text (links relative to ``out_dir``).

    ``district_name`` is the display name ("Nordjyllands Politi"); without it
    the scenario's district key is shown.
    """
    out = Path(out_dir)
    e = _esc
    district = district_name or plan.scenario.district
    rows = municipality_rows(plan)
    by_code = {mf.municipality_code: mf for mf in map_files if mf.municipality_code}
    district_maps = [mf for mf in map_files if mf.municipality_code is None]
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="da"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(district)} {EN_DASH} {e(week_label(plan))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Mobile politistationer {EN_DASH} {e(district)}</h1>",
        f'<p class="ms-audience">{e(L.AUDIENCE["index"])}</p>',
        f'<p class="sub">{e(week_label(plan))} · scenarie «{e(plan.scenario.name)}» · '
        f"{len(plan.vehicles)} køretøjer · {sum(1 for r in plan.routes if r.stops)} ruter</p>",
    ]
    notice = synthetic_notice(plan)
    if notice:
        parts.append(f'<div class="notice ms-synthetic-banner" id="ms-synthetic">{e(notice)}</div>')
    note = travel_notice(plan)
    if note:
        parts.append(f'<div class="notice ms-travel-note">{e(note)}</div>')
    for mf in district_maps:
        parts.append(
            f'<p><a class="ms-map-link" href="{_relative_href(mf.path, out)}">'
            f"<strong>{e(mf.title)}</strong></a> {EN_DASH} hele kredsen med alle ruter</p>"
        )
    parts.append(
        '<table class="ms-municipalities"><thead><tr><th class="name">Kommune</th><th>Indbyggere</th>'
        "<th>Besøg</th><th>Timer (station + lokalbetjent)</th><th>Timer pr. 1.000 indb.</th>"
        "<th>Kvote (besøg / timer)</th><th>Kvote opfyldt</th></tr></thead><tbody>"
    )
    for row in rows:
        mf = by_code.get(row.code)
        name = e(row.name)
        if mf is not None:
            name = f'<a class="ms-map-link" href="{_relative_href(mf.path, out)}">{name}</a>'
        per1000 = EN_DASH if row.hours_per_1000 is None else fmt_num(row.hours_per_1000, 2)
        pop = EN_DASH if row.population is None else fmt_num(row.population, 0)
        quota = f"{row.quota_visits} / {fmt_num(row.quota_hours)}" if row.has_quota else EN_DASH
        css = "none" if not row.has_quota else ("ok" if row.quota_met else "short")
        parts.append(
            f'<tr data-code="{e(row.code)}"><td class="name">{name}</td><td>{pop}</td><td>{row.visits}</td>'
            f"<td>{fmt_num(row.hours)} ({fmt_num(row.station_hours)} + {fmt_num(row.officer_hours)})</td>"
            f'<td>{per1000}</td><td>{quota}</td><td class="{css}">{e(quota_text(row))}</td></tr>'
        )
    total_pop = sum(r.population or 0 for r in rows)
    total_hours = sum(r.hours for r in rows)
    parts.append(
        f'<tr class="total"><td class="name">I alt</td><td>{fmt_num(total_pop, 0)}</td>'
        f"<td>{sum(r.visits for r in rows)}</td><td>{fmt_num(total_hours)}</td>"
        f"<td>{fmt_num(total_hours * 1000.0 / total_pop, 2) if total_pop else EN_DASH}</td>"
        f"<td></td><td>{sum(1 for r in rows if r.has_quota and r.quota_met)} af "
        f"{sum(1 for r in rows if r.has_quota)} opfyldt</td></tr>"
    )
    parts.append("</tbody></table>")
    parts += _campaign_lines(plan)
    if by_code:
        parts.append("<h2 style='font-size:1.1rem'>Kort pr. kommune</h2><ul class='maps'>")
        for row in rows:
            mf = by_code.get(row.code)
            if mf is not None:
                parts.append(
                    f'<li><a class="ms-map-link" href="{_relative_href(mf.path, out)}">{e(mf.title)}</a></li>'
                )
        parts.append("</ul>")
    parts.append(_audience_table(out))
    if plan.unvisited:
        parts.append(
            f"<p>{len(plan.unvisited)} kandidatsteder blev ikke besøgt denne uge "
            "(grå på kortene, med årsag).</p>"
        )
    parts.append(
        '<p class="foot">Timer = tid hvor den mobile station holder på stedet '
        "+ lokalbetjenttimer i kommunen. "
        f"Dannet {e(_generated(plan))}.</p></body></html>"
    )
    return "\n".join(parts) + "\n"


def write_index(
    plan: PlanRecord,
    out_dir: str | os.PathLike[str],
    map_files: Sequence[MapFile],
    *,
    district_name: str | None = None,
) -> Path:
    """Write ``out_dir/index.html`` (links relative to it) and return its path."""
    out = Path(out_dir)
    return atomic_write_text(
        out / "index.html", render_index(plan, out, map_files, district_name=district_name)
    )
