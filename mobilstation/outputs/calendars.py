"""iCalendar files crews and officers import into Outlook or a phone, and that update cleanly.

One file per vehicle (``calendars/<vehicle id>.ics``, an event per stop) and
one per officer (``calendars/betjent-<officer id>.ics``, an event per
mobile-station shift and per patrol area). Times are local with ``TZID`` =
the plan's time zone and a matching ``VTIMEZONE``, which Outlook needs.

Updating a published week (a mid-week re-plan) must move, change and remove
the events already in people's calendars, and leave the others alone:

* ``UID`` says what the event is, never where it sits in a list or when it
  starts: ``<vehicle>/<date>/<site id>`` for a stop,
  ``<officer>/<date>/mobil/<vehicle>`` for a mobile-station shift and
  ``<officer>/<date>/patrulje/<area id>`` for a patrol area (a second visit
  of the same thing that day gets ``/2``);
* ``SEQUENCE`` starts at 0 and rises by one on every change of the event;
  ``DTSTAMP`` is the time of the publication that last changed it, so an
  event that did not change is written byte for byte as before;
* an event that disappears is published once more with
  ``STATUS:CANCELLED`` and a raised ``SEQUENCE`` (and stays so in later
  revisions), and ``calendars/aflysninger/<file>`` lists the week's
  cancelled events with ``METHOD:CANCEL``, which is what removes an
  imported event in Outlook.

What a revision needs from the previous publication is in that plan's
``calendar`` field (:class:`~mobilstation.plan.CalendarState`):
:func:`calendar_state` derives revision n+1's from revision n alone, and
:func:`mobilstation.outputs.write.write_outputs` stores it in ``plan.json``.

Descriptions are what a person reads: what, where, when, who, the note
that came with a request and the drive there; no scores or solver terms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from mobilstation._io import atomic_write_bytes
from mobilstation.errors import InputError
from mobilstation.i18n import t
from mobilstation.outputs import labels as L
from mobilstation.outputs.patrol import drive_home, patrol_stints
from mobilstation.plan import CalendarEventState, CalendarState, PlanRecord, Route, SiteRecord
from mobilstation.untrusted import display_text

CALENDARS_DIR = "calendars"
CANCEL_DIR = "aflysninger"
PRODID = "-//mobilstation//ugeplan//DA"
UID_DOMAIN = "mobilstation"
ORGANIZER = "mailto:planlaegning@mobilstation.invalid"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9._:/-]+")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "x"


def calendar_file_names(plan: PlanRecord) -> dict[tuple[str, str], str]:
    """File name (inside ``calendars/``) keyed ``("vehicle"|"officer", id)``."""
    names: dict[tuple[str, str], str] = {}
    for v in plan.vehicles:
        names[("vehicle", v.id)] = f"{_safe(v.id)}.ics"
    for o in plan.officers:
        names[("officer", o.id)] = f"betjent-{_safe(o.id)}.ics"
    return names


def local_datetime(day: str, minute: int, tz: ZoneInfo) -> datetime:
    """The local datetime of ``minute`` minutes after midnight on ``day`` (may pass midnight)."""
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=tz) + timedelta(minutes=minute)


def _clean(text: str) -> str:
    """One line of text a person reads, from names and notes that came from outside.

    :func:`mobilstation.untrusted.display_text`: no control or bidirectional
    characters, no line breaks (a line break in a name would end the
    calendar property and start another).
    """
    return str(display_text(text))


def _event(uid: str, start: datetime, end: datetime, summary: str, location: str, lines: list[str]) -> Event:
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    ev.add("summary", _clean(summary))
    ev.add("location", _clean(location))
    ev.add("description", "\n".join(_clean(line) for line in lines))
    return ev


def _uid(*parts: str) -> str:
    return _UID_UNSAFE.sub("_", "/".join(parts)) + f"@{UID_DOMAIN}"


# -- the events of one plan, without DTSTAMP and SEQUENCE ----------------------------------------------


@dataclass
class _Draft:
    uid: str
    file: str
    event: Event  # every property but DTSTAMP and SEQUENCE

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.event.to_ical()).hexdigest()[:24]


def _site_line(plan: PlanRecord, site: SiteRecord) -> str:
    munis = {m.code: m.name for m in plan.municipalities}
    return f"{L.place_name(site.name)}, {munis.get(site.municipality_code, site.municipality_code)} Kommune"


def _leg_text(plan: PlanRecord, route: Route, to_id: str, occurrence: int) -> str | None:
    legs = [leg for leg in route.legs if leg.to_id == to_id]
    if len(legs) <= occurrence:
        return None
    leg = legs[occurrence]
    links = {lk.id: lk for lk in plan.links}
    via = [links[i].name if i in links else i for i in leg.links]
    text = (
        f"Kørsel hertil: fra {L.plan_place(plan, leg.from_id)} kl. {L.clock(leg.depart)}, "
        f"ca. {leg.minutes} min"
    )
    if via:
        text += (" med færge: " if leg.ferry else " via ") + ", ".join(via)
    return text


def _common_tail(plan: PlanRecord, synthetic: bool) -> list[str]:
    lines = []
    if synthetic:
        lines.append("Bemærk: bygger på syntetiske data (ikke virkelige hændelser).")
    if plan.travel.estimated:
        lines.append("Køretider er skønnede, ikke beregnet på vejnettet.")
    return lines


def _vehicle_drafts(plan: PlanRecord, file: str, vehicle_id: str) -> Iterator[_Draft]:
    tz = ZoneInfo(plan.timezone)
    vehicle = next(v for v in plan.vehicles if v.id == vehicle_id)
    vname = vehicle.name or vehicle.id
    sites = {s.id: s for s in plan.sites}
    officers = {o.id: o.name for o in plan.officers}
    for route in sorted((r for r in plan.routes if r.vehicle_id == vehicle_id), key=lambda r: r.date):
        crew = ", ".join(officers.get(c, c) for c in route.crew) or "ingen besætning sat på"
        seen: dict[str, int] = {}
        for stop in sorted(route.stops, key=lambda s: s.seq):
            site = sites[stop.site_id]
            k = seen.get(site.id, 0)
            seen[site.id] = k + 1
            task = L.task(site.kind, site.meta)
            lines = [
                f"Opgave: {task}",
                f"Sted: {_site_line(plan, site)}",
                f"Tid: {L.when(route.date, stop.start, stop.end)}"
                + (
                    f" (ankomst {L.clock(stop.arrival)}, venter {stop.wait_min} min)" if stop.wait_min else ""
                ),
            ]
            note = L.note(site.meta)
            if note:
                lines.append(f"Bemærkning fra henvendelsen: {note}")
            target = L.campaign(site.meta)
            if target:
                lines.append(f"Kampagne: {target}")
            lines.append(f"Køretøj: {vname}; besætning: {crew}")
            leg = _leg_text(plan, route, site.id, k)
            if leg:
                lines.append(leg)
            lines.append(f"Navigation: geo:{site.lat:.5f},{site.lon:.5f}")
            lines += _common_tail(plan, site.synthetic)
            uid_parts = [vehicle_id, route.date, site.id] + ([str(k + 1)] if k else [])
            ev = _event(
                _uid(*uid_parts),
                local_datetime(route.date, stop.start, tz),
                local_datetime(route.date, stop.end, tz),
                f"{task}, {L.place_name(site.name)}",
                _site_line(plan, site),
                lines,
            )
            ev.add("geo", (round(site.lat, 5), round(site.lon, 5)))
            ev.add("categories", [L.kind_name(site.kind)])
            ev.add("transp", "OPAQUE")
            yield _Draft(str(ev["uid"]), file, ev)


def _officer_drafts(plan: PlanRecord, file: str, officer_id: str) -> Iterator[_Draft]:
    tz = ZoneInfo(plan.timezone)
    officer = next(o for o in plan.officers if o.id == officer_id)
    sites = {s.id: s for s in plan.sites}
    routes = {r.id: r for r in plan.routes}
    vehicles = {v.id: v for v in plan.vehicles}
    stations = {s.id: s for s in plan.stations}
    officers = {o.id: o.name for o in plan.officers}
    home = stations.get(officer.station_id)
    home_name = home.name if home else officer.station_id
    seen: dict[tuple[str, ...], int] = {}

    def uid(*parts: str) -> str:
        k = seen.get(parts, 0)
        seen[parts] = k + 1
        return _uid(*parts, *([str(k + 1)] if k else []))

    for shift in sorted(officer.shifts, key=lambda s: (s.date, s.start)):
        route = routes.get(shift.route_id or "")
        if shift.duty == "mobile" and route is not None:
            vehicle = vehicles.get(route.vehicle_id)
            vname = vehicle.name if vehicle and vehicle.name else route.vehicle_id
            depot = stations.get(route.depot_id)
            depot_name = depot.name if depot else route.depot_id
            others = [officers.get(c, c) for c in route.crew if c != officer.id]
            lines = [
                f"Opgave: {L.DUTY_NAMES['mobile']} med {vname}",
                f"Afgang fra {depot_name} kl. {L.clock(route.departure)}, "
                f"hjemme igen kl. {L.clock(route.return_)}",
                "Stop:",
            ]
            for s in sorted(route.stops, key=lambda s: s.seq):
                site = sites[s.site_id]
                lines.append(f"  {L.clock(s.start)}\u2013{L.clock(s.end)} {_site_line(plan, site)}")
            lines.append(f"Sammen med: {', '.join(others) or 'ingen'}")
            lines += _common_tail(plan, False)
            ev = _event(
                uid(officer.id, shift.date, "mobil", route.vehicle_id),
                local_datetime(shift.date, shift.start, tz),
                local_datetime(shift.date, shift.end, tz),
                f"Mobil politistation, {vname}",
                depot_name,
                lines,
            )
            ev.add("geo", (round(route.depot_lat, 5), round(route.depot_lon, 5)))
            ev.add("categories", [L.DUTY_NAMES["mobile"]])
            ev.add("transp", "OPAQUE")
            yield _Draft(str(ev["uid"]), file, ev)
            continue
        stints = patrol_stints(plan, officer, shift)
        prev_name = home_name
        for i, st in enumerate(stints):
            area = sites.get(st.alloc.area_id)
            munis = {m.code: m.name for m in plan.municipalities}
            mun = munis.get(st.alloc.municipality_code, st.alloc.municipality_code)
            where = f"{st.alloc.area_name}, {mun} Kommune"
            lines = [
                f"Opgave: patrulje som lokalbetjent i {st.alloc.area_name}",
                f"Sted: {where}",
                f"Tid: {L.when(shift.date, st.start, st.end)} ({st.alloc.minutes} min)",
                f"Kørsel hertil: fra {prev_name}, ca. {st.drive_before} min",
            ]
            if i == len(stints) - 1:
                lines.append(f"Derefter retur til {home_name}, ca. {drive_home(shift, stints)} min")
            lines.append(f"Vagten: {L.when(shift.date, shift.start, shift.end)} fra {home_name}")
            if area is not None:
                lines.append(f"Navigation: geo:{area.lat:.5f},{area.lon:.5f}")
            lines += _common_tail(plan, bool(area and area.synthetic))
            ev = _event(
                uid(officer.id, shift.date, "patrulje", st.alloc.area_id),
                local_datetime(shift.date, st.start, tz),
                local_datetime(shift.date, st.end, tz),
                f"Patrulje, {st.alloc.area_name}",
                where,
                lines,
            )
            if area is not None:
                ev.add("geo", (round(area.lat, 5), round(area.lon, 5)))
            ev.add("categories", [L.DUTY_NAMES["patrol"]])
            ev.add("transp", "OPAQUE")
            yield _Draft(str(ev["uid"]), file, ev)
            prev_name = st.alloc.area_name


def _drafts(plan: PlanRecord) -> dict[str, _Draft]:
    names = calendar_file_names(plan)
    out: dict[str, _Draft] = {}
    for v in plan.vehicles:
        for d in _vehicle_drafts(plan, names[("vehicle", v.id)], v.id):
            out[d.uid] = d
    for o in plan.officers:
        for d in _officer_drafts(plan, names[("officer", o.id)], o.id):
            out[d.uid] = d
    return out


# -- sequences across publications ------------------------------------------------------------------


def _stamp_text(plan: PlanRecord) -> str:
    return datetime.fromisoformat(plan.generated_at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _finished(draft: _Draft, state: CalendarEventState) -> Event:
    ev = Event.from_ical(draft.event.to_ical())
    ev.add("dtstamp", datetime.strptime(state.stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))
    ev.add("sequence", state.sequence)
    return ev


def calendar_state(plan: PlanRecord, previous: PlanRecord | None = None) -> CalendarState:
    """The calendar state of publishing ``plan`` after ``previous`` (the last publication of the week).

    Without ``previous`` every event is new (``SEQUENCE`` 0) unless ``plan``
    already carries its state (it was written before), which is then kept.
    A ``previous`` plan written before calendar states existed is taken as
    published with every event at ``SEQUENCE`` 0.
    """
    if previous is None and plan.calendar is not None:
        return plan.calendar
    if previous is not None and previous.scenario.iso_week != plan.scenario.iso_week:
        weeks = {"previous": previous.scenario.iso_week, "week": plan.scenario.iso_week}
        raise InputError(t("planfile.other_week", **weeks))
    now = _stamp_text(plan)
    drafts = _drafts(plan)
    prev_state = calendar_state(previous) if previous is not None else CalendarState()
    prev_drafts = _drafts(previous) if previous is not None else {}
    events: dict[str, CalendarEventState] = {}
    for uid, d in drafts.items():
        p = prev_state.events.get(uid)
        digest = d.digest
        if p is not None and not p.cancelled and p.digest == digest:
            events[uid] = p.model_copy()
        else:
            seq = p.sequence + 1 if p is not None else 0
            events[uid] = CalendarEventState(file=d.file, sequence=seq, stamp=now, digest=digest)
    for uid, p in prev_state.events.items():
        if uid in events:
            continue
        if p.cancelled:
            events[uid] = p.model_copy()
            continue
        old = prev_drafts.get(uid)
        if old is None:  # pragma: no cover - a live event of the previous plan always has a draft
            continue
        gone = CalendarEventState(file=p.file, sequence=p.sequence + 1, stamp=now, digest=p.digest)
        ev = _finished(old, gone)
        ev.add("status", "CANCELLED")
        gone.cancelled = True
        gone.ical = ev.to_ical().decode("utf-8")
        events[uid] = gone
    return CalendarState(events=dict(sorted(events.items())))


# -- files ------------------------------------------------------------------------------------------


def _calendar(plan: PlanRecord, name: str, description: str, method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", _clean(name))
    cal.add("x-wr-caldesc", _clean(description))
    cal.add("x-wr-timezone", plan.timezone)
    return cal


def _finish(plan: PlanRecord, cal: Calendar) -> bytes:
    years = [date.fromisoformat(d).year for d in plan.scenario.dates] or [
        datetime.fromisoformat(plan.generated_at).year
    ]
    cal.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return cal.to_ical()


def _week(plan: PlanRecord) -> str:
    year, _, week = plan.scenario.iso_week.partition("-W")
    return f"uge {int(week)}, {year}" if week.isdigit() else plan.scenario.iso_week


def _titles(plan: PlanRecord) -> dict[str, tuple[str, str]]:
    """Calendar file -> (name shown in Outlook, who it is for)."""
    names = calendar_file_names(plan)
    out: dict[str, tuple[str, str]] = {}
    for v in plan.vehicles:
        out[names[("vehicle", v.id)]] = (
            f"{v.name or v.id} \u2013 {_week(plan)}",
            L.AUDIENCE["calendar_vehicle"],
        )
    for o in plan.officers:
        out[names[("officer", o.id)]] = (
            f"{o.name or o.id} \u2013 {_week(plan)}",
            L.AUDIENCE["calendar_officer"],
        )
    return out


def render_calendars(plan: PlanRecord, state: CalendarState) -> dict[str, bytes]:
    """Every calendar file (path inside ``calendars/``) of ``plan`` published with ``state``."""
    drafts = _drafts(plan)
    titles = _titles(plan)
    files = sorted(set(titles) | {s.file for s in state.events.values()})
    out: dict[str, bytes] = {}
    for file in files:
        title, audience = titles.get(file, (f"{Path(file).stem} \u2013 {_week(plan)}", L.AUDIENCE_INTERNAL))
        cal = _calendar(plan, title, audience, "PUBLISH")
        cancel = _calendar(plan, f"Aflyst: {title}", audience, "CANCEL")
        n_cancelled = 0
        for uid, st in state.events.items():
            if st.file != file:
                continue
            if st.cancelled and st.ical:
                ev = Event.from_ical(st.ical)
                cal.add_component(ev)
                gone = Event.from_ical(st.ical)
                gone.add("organizer", vCalAddress(ORGANIZER))
                cancel.add_component(gone)
                n_cancelled += 1
            elif uid in drafts:
                cal.add_component(_finished(drafts[uid], st))
        out[file] = _finish(plan, cal)
        if n_cancelled:
            out[f"{CANCEL_DIR}/{file}"] = _finish(plan, cancel)
    return out


def vehicle_calendar(plan: PlanRecord, vehicle_id: str, previous: PlanRecord | None = None) -> bytes:
    """The vehicle's week: one VEVENT per stop (and its cancelled stops)."""
    file = calendar_file_names(plan)[("vehicle", vehicle_id)]
    return render_calendars(plan, calendar_state(plan, previous))[file]


def officer_calendar(plan: PlanRecord, officer_id: str, previous: PlanRecord | None = None) -> bytes:
    """The officer's week: one VEVENT per mobile shift and per patrol area."""
    file = calendar_file_names(plan)[("officer", officer_id)]
    return render_calendars(plan, calendar_state(plan, previous))[file]


def write_calendars(
    plan: PlanRecord, out_dir: str | Path, *, previous: PlanRecord | None = None
) -> list[Path]:
    """Write every calendar into ``out_dir/calendars/`` (cancellations into ``aflysninger/``).

    ``previous``: the last published plan of the same week; its events are
    updated (``SEQUENCE``) or cancelled, the unchanged ones kept byte for byte.
    """
    folder = Path(out_dir) / CALENDARS_DIR
    files = render_calendars(plan, calendar_state(plan, previous))
    return [atomic_write_bytes(folder / name, data) for name, data in files.items()]
