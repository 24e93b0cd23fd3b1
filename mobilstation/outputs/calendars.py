"""iCalendar files: one per vehicle (a event per stop) and one per officer (a event per shift).

Crews and local leaders import them into Outlook or a phone. Times are
written as local times with ``TZID`` = the plan's time zone
(Europe/Copenhagen) and the calendar carries the matching ``VTIMEZONE``
(built from the zoneinfo database for the plan's years), which Outlook
needs to place the events right.

Deterministic: ``UID`` is ``<route id>-<seq>@mobilstation`` for a stop and
``officer-<id>-<date>-<start minute>@mobilstation`` for a shift, and
``DTSTAMP`` is the plan's ``generated_at`` in UTC, so the same plan gives the
same bytes and re-importing an updated plan updates the same events.

Files: ``calendars/<vehicle id>.ics`` and ``calendars/officer-<officer id>.ics``
(ids made file-name safe by :func:`calendar_file_names`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from mobilstation._io import atomic_write_bytes
from mobilstation.outputs import labels as L
from mobilstation.outputs.tables import crew_names, why
from mobilstation.plan import PlanRecord, Route

CALENDARS_DIR = "calendars"
PRODID = "-//mobilstation//ugeplan//DA"
UID_DOMAIN = "mobilstation"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "x"


def calendar_file_names(plan: PlanRecord) -> dict[tuple[str, str], str]:
    """File name (inside ``calendars/``) keyed ``("vehicle"|"officer", id)``."""
    names: dict[tuple[str, str], str] = {}
    for v in plan.vehicles:
        names[("vehicle", v.id)] = f"{_safe(v.id)}.ics"
    for o in plan.officers:
        names[("officer", o.id)] = f"officer-{_safe(o.id)}.ics"
    return names


def local_datetime(day: str, minute: int, tz: ZoneInfo) -> datetime:
    """The local datetime of ``minute`` minutes after midnight on ``day`` (may pass midnight)."""
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=tz) + timedelta(minutes=minute)


def _calendar(plan: PlanRecord, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", plan.timezone)
    return cal


def _finish(plan: PlanRecord, cal: Calendar) -> bytes:
    years = [date.fromisoformat(d).year for d in plan.scenario.dates] or [
        datetime.fromisoformat(plan.generated_at).year
    ]
    cal.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return cal.to_ical()


def _stamp(plan: PlanRecord) -> datetime:
    return datetime.fromisoformat(plan.generated_at).astimezone(UTC)


def vehicle_calendar(plan: PlanRecord, vehicle_id: str) -> bytes:
    """The vehicle's week: one VEVENT per stop."""
    tz = ZoneInfo(plan.timezone)
    vehicle = next(v for v in plan.vehicles if v.id == vehicle_id)
    sites = {s.id: s for s in plan.sites}
    munis = {m.code: m.name for m in plan.municipalities}
    links = {lk.id: lk for lk in plan.links}
    cal = _calendar(plan, f"{vehicle.name or vehicle.id} - {plan.scenario.iso_week}")
    stamp = _stamp(plan)
    routes: list[Route] = sorted((r for r in plan.routes if r.vehicle_id == vehicle_id), key=lambda r: r.date)
    for route in routes:
        crew = crew_names(plan, route.crew)
        stops = sorted(route.stops, key=lambda s: s.seq)
        for stop in stops:
            site = sites[stop.site_id]
            into = next((leg for leg in route.legs if leg.to_id == stop.site_id), None)
            lines = [
                f"Type: {L.kind_name(site.kind)}",
                f"Kommune: {munis.get(site.municipality_code, site.municipality_code)}",
                f"Score: {site.score:.3f}".replace(".", ","),
                f"Begrundelse: {why(site)}",
                f"Besætning: {crew or 'ikke bemandet'}",
                f"Ankomst: {L.clock(stop.arrival)}"
                + (f" (venter {stop.wait_min} min)" if stop.wait_min else ""),
                f"Køretøj: {vehicle.name or vehicle.id}, stop {stop.seq} af {len(stops)} "
                f"({L.day_name(route.date)} {route.date}, afgang {L.clock(route.departure)}, "
                f"hjemkomst {L.clock(route.return_)})",
            ]
            if into is not None and into.ferry:
                names = ", ".join(links[i].name if i in links else i for i in into.links)
                lines.append(f"Færge: {names}")
            if site.synthetic:
                lines.append("Bemærk: stedet bygger på syntetiske data.")
            if plan.travel.estimated:
                lines.append("Køretider er skønnede, ikke beregnet på vejnettet.")
            event = Event()
            event.add("uid", f"{route.id}-{stop.seq}@{UID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", local_datetime(route.date, stop.start, tz))
            event.add("dtend", local_datetime(route.date, stop.end, tz))
            event.add("summary", f"Mobil politistation: {site.name}")
            event.add("location", f"{site.name} ({site.lat:.5f}, {site.lon:.5f})")
            event.add("geo", (site.lat, site.lon))
            event.add("description", "\n".join(lines))
            event.add("categories", [L.kind_name(site.kind)])
            event.add("transp", "OPAQUE")
            cal.add_component(event)
    return _finish(plan, cal)


def officer_calendar(plan: PlanRecord, officer_id: str) -> bytes:
    """The officer's week: one VEVENT per shift (mobile duty or patrol)."""
    tz = ZoneInfo(plan.timezone)
    officer = next(o for o in plan.officers if o.id == officer_id)
    sites = {s.id: s for s in plan.sites}
    routes = {r.id: r for r in plan.routes}
    vehicles = {v.id: v for v in plan.vehicles}
    stations = {s.id: s for s in plan.stations}
    cal = _calendar(plan, f"{officer.name or officer.id} - {plan.scenario.iso_week}")
    stamp = _stamp(plan)
    for shift in sorted(officer.shifts, key=lambda s: (s.date, s.start)):
        route = routes.get(shift.route_id or "")
        if shift.duty == "mobile" and route is not None:
            vehicle = vehicles.get(route.vehicle_id)
            vname = vehicle.name if vehicle and vehicle.name else route.vehicle_id
            places = [sites[s.site_id].name for s in sorted(route.stops, key=lambda s: s.seq)]
            summary = f"Mobil politistation: {vname}"
            lines = [
                f"Vagt: {L.DUTY_NAMES['mobile']}",
                f"Rute: {', '.join(places) or 'ingen stop'}",
                f"Afgang {L.clock(route.departure)}, hjemkomst {L.clock(route.return_)}",
                f"Besætning: {crew_names(plan, route.crew)}",
            ]
            depot = stations.get(route.depot_id)
            location = depot.name if depot else route.depot_id
            geo = (depot.lat, depot.lon) if depot else (route.depot_lat, route.depot_lon)
        else:
            areas = [h for h in plan.hours if h.officer_id == officer.id and h.date == shift.date]
            summary = "Patrulje: " + (", ".join(h.area_name for h in areas) or "lokalområde")
            lines = [f"Vagt: {L.DUTY_NAMES.get(shift.duty, shift.duty)}"] + [
                f"{h.area_name}: {h.minutes} min ({h.blocks} blokke)" for h in areas
            ]
            station = stations.get(officer.station_id)
            location = station.name if station else officer.station_id
            geo = (station.lat, station.lon) if station else None
        event = Event()
        event.add("uid", f"officer-{officer.id}-{shift.date}-{shift.start}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", local_datetime(shift.date, shift.start, tz))
        event.add("dtend", local_datetime(shift.date, shift.end, tz))
        event.add("summary", summary)
        event.add("location", location)
        if geo is not None:
            event.add("geo", geo)
        event.add("description", "\n".join(lines))
        event.add("categories", [L.DUTY_NAMES.get(shift.duty, shift.duty)])
        cal.add_component(event)
    return _finish(plan, cal)


def write_calendars(plan: PlanRecord, out_dir: str | Path) -> list[Path]:
    """Write every vehicle and officer calendar into ``out_dir/calendars/``."""
    folder = Path(out_dir) / CALENDARS_DIR
    names = calendar_file_names(plan)
    written = [
        atomic_write_bytes(folder / names[("vehicle", v.id)], vehicle_calendar(plan, v.id))
        for v in plan.vehicles
    ]
    written += [
        atomic_write_bytes(folder / names[("officer", o.id)], officer_calendar(plan, o.id))
        for o in plan.officers
    ]
    return written
