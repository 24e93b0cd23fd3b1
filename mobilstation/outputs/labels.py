"""Danish words the outputs show a planner: day names, site kinds, column headers.

One place, so every table, sheet, calendar and map says the same thing. The
plan itself keeps English codes (``"town"``, ``"patrol"``); only what people
read is Danish.
"""

from __future__ import annotations

from typing import Any

from datetime import date

DAY_NAMES: tuple[str, ...] = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

KIND_NAMES: dict[str, str] = {
    "town": "by",
    "outlying": "yderområde",
    "neighbourhood": "boligområde (indbrud)",
    "request": "borgerhenvendelse",
}

SYNTHETIC_INPUT_NAMES: dict[str, str] = {
    "incidents": "indbrudsdata (hændelser)",
    "requests": "borgerhenvendelser",
    "officers": "betjente og vagter",
    "population": "befolkningstal",
    "campaigns": "kampagnemål (butikker, borgermøder)",
}
"""Danish names for ``PlanRecord.synthetic_inputs``; others are shown as given."""


def synthetic_inputs(names: list[str]) -> str:
    """``indbrudsdata (hændelser), borgerhenvendelser``; empty when nothing was synthetic."""
    return ", ".join(SYNTHETIC_INPUT_NAMES.get(n, n) for n in names)


DUTY_NAMES: dict[str, str] = {"mobile": "mobil politistation", "patrol": "patrulje"}

SKILL_NAMES: dict[str, str] = {"traffic": "færdselskontrol"}
"""Danish names of officer skills (``OfficerRecord.skills``); others are shown as given."""


def skill_name(key: str) -> str:
    """Danish name of a skill; an unknown skill is shown as it is."""
    return SKILL_NAMES.get(key, key)


REASON_NAMES: dict[str, str] = {
    "no_time": "ingen tid",
    "unreachable": "kan ikke nås",
    "displaced": "fortrængt",
    "weekly_max": "ugentligt maksimum nået",
    "no_skill": "mangler kompetence",
    "wrong_day": "forkert dag",
}

# Score components (keys of ``SiteRecord.breakdown``) as a planner reads them.
BREAKDOWN_NAMES: dict[str, str] = {
    "population": "befolkning",
    "remoteness": "afstand til nærmeste station",
    "burglary": "indbrud",
    "trend": "stigende tendens",
    "recency": "tid siden sidste besøg",
    "urgency": "hast (borgerhenvendelse)",
    "stability": "allerede offentliggjort (stabilitet)",
}

# Column headers of visits.csv / crews.csv / hours.csv and the schedule sheets.
VEHICLE = "køretøj"
VEHICLE_NAME = "køretøjsnavn"
ROUTE = "rute"
DATE = "dato"
WEEKDAY = "ugedag"
SEQ = "nr"
SITE_ID = "sted_id"
SITE = "sted"
KIND = "type"
MUNICIPALITY_CODE = "kommunekode"
MUNICIPALITY = "kommune"
ARRIVAL = "ankomst"
START = "start"
END = "slut"
WAIT_MIN = "ventetid_min"
SERVICE_MIN = "varighed_min"
CREW = "besætning"
SCORE = "score"
WHY = "begrundelse"
SYNTHETIC = "syntetisk"
LAT = "bredde"
LON = "længde"
DEPARTURE = "afgang"
RETURN = "hjemkomst"
DEPOT = "hjemstation"
TRAVEL_MIN = "køretid_min"
TRAVEL_KM = "km"
STOPS = "stop"
OFFICER_ID = "betjent_id"
OFFICER = "betjent"
STATION = "station"
DUTY = "opgave"
SKILLS = "kompetencer"
AREA_ID = "område_id"
AREA = "område"
MINUTES = "minutter"
HOURS = "timer"
BLOCKS = "blokke"
VISITS = "besøg"
MOBILE_HOURS = "mobile_timer"
PATROL_HOURS = "patruljetimer"
TOTAL_HOURS = "timer_i_alt"
POPULATION = "indbyggere"
HOURS_PER_1000 = "timer_pr_1000"
QUOTA_VISITS = "krav_besøg"
QUOTA_HOURS = "krav_timer"
QUOTA_MET = "krav_opfyldt"
FERRY = "færge"
TIME = "tid"
REASON = "årsag"
NOTE = "note"  # what to do at a stop: the citizen's note of a request
STATION_ID = "station_id"
DEPOT_ID = "hjemstation_id"

YES, NO = "ja", "nej"


def day_name(d: date | str) -> str:
    """Danish weekday name of an ISO date (``"2026-12-07"`` -> ``"mandag"``)."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return DAY_NAMES[d.isoweekday() - 1]


def kind_name(kind: str) -> str:
    """Danish name of a site kind; an unknown kind is shown as it is."""
    return KIND_NAMES.get(kind, kind)


def component_name(key: str) -> str:
    """Danish name of a score component; an unknown key is shown as it is."""
    return BREAKDOWN_NAMES.get(key, key)


def clock(minute: int) -> str:
    """Minutes since midnight as ``"HH:MM"``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def yes_no(flag: bool) -> str:
    return YES if flag else NO


# -- one date style for everything people read ("tirsdag 1/12 kl. 10:15") -----------------------------

DAY_SHORT: tuple[str, ...] = ("ma", "ti", "on", "to", "fr", "lø", "sø")


def _as_date(d: date | str) -> date:
    return date.fromisoformat(d) if isinstance(d, str) else d


def day_date(d: date | str) -> str:
    """``"tirsdag 1/12"``: the weekday and day/month of an ISO date."""
    d = _as_date(d)
    return f"{DAY_NAMES[d.isoweekday() - 1]} {d.day}/{d.month}"


def day_short(d: date | str) -> str:
    """``"ti"``: the two-letter weekday used on map markers ("ti 2")."""
    return DAY_SHORT[_as_date(d).isoweekday() - 1]


def when(d: date | str, minute: int, end: int | None = None) -> str:
    """``"tirsdag 1/12 kl. 10:15"``, or ``"tirsdag 1/12 kl. 10:15-11:45"`` with an end (en dash)."""
    text = f"{day_date(d)} kl. {clock(minute)}"
    return text if end is None else f"{text}\u2013{clock(end)}"


def deadline(text: str | None) -> str:
    """A deadline as the one date style ("fredag 4/12"); text that is no ISO date is shown as given."""
    if not text:
        return ""
    try:
        return day_date(text[:10])
    except ValueError:
        return text


# -- what a visit is, in words a crew and a citizen read ----------------------------------------------

REQUEST_TASKS: dict[str, str] = {
    "traffic_check": "Trafikkontrol",
    "local_officer": "Møde med lokalbetjent",
}


def request_type(site_kind: str, meta: dict[str, object]) -> str | None:
    """The request type code of a request site (``"traffic_check"``), else None."""
    if site_kind != "request":
        return None
    value = meta.get("request_type")
    return str(value) if value else None


def task(kind: str, meta: dict[str, object]) -> str:
    """What the crew does at a site, as a heading ("Åben mobil politistation", "Trafikkontrol")."""
    if kind == "request":
        rtype = request_type(kind, meta) or ""
        return REQUEST_TASKS.get(rtype, "Borgerhenvendelse")
    if kind == "neighbourhood":
        return "Tryghedsbesøg (indbrudsforebyggelse)"
    return "Åben mobil politistation"


def place_name(name: str) -> str:
    """A site name fit for a title: a request's "Skole: tryghedsmøde" gets a dash, not a second colon."""
    return name.replace(": ", " \u2013 ").strip()


def plan_place(plan: Any, place_id: str) -> str:
    """A station's or site's name in ``plan`` for a leg's end ("Aalborg Politigård", "Fjerritslev – ..."); the id
    when the plan has no such place."""
    for st in plan.stations:
        if st.id == place_id:
            return str(st.name)
    for s in plan.sites:
        if s.id == place_id:
            return place_name(s.name)
    return place_id


def note(meta: dict[str, object]) -> str:
    """The citizen's or planner's note kept with a site, cleaned for reading ("" when none).

    The note comes from outside (a web form): :func:`mobilstation.untrusted.display_text`
    removes control and bidirectional characters and shortens a very long one.
    """
    from mobilstation.untrusted import display_text

    value = meta.get("note")
    return str(display_text(str(value))).strip() if value else ""


def campaign(meta: dict[str, object]) -> str:
    """The campaign a site is a target of ("" when none), cleaned for reading."""
    from mobilstation.untrusted import display_text

    value = meta.get("campaign")
    return str(display_text(str(value))).strip() if value else ""


# -- who each output is for (stated on its face) ------------------------------------------------------

AUDIENCE_INTERNAL = "Internt til politiet \u2013 må ikke offentliggøres."
AUDIENCE = {
    "index": "Til lokalledere og planlæggere. " + AUDIENCE_INTERNAL,
    "map": "Til lokalledere og planlæggere. " + AUDIENCE_INTERNAL,
    "daysheets": "Til besætningen på den mobile politistation og lokalbetjente. " + AUDIENCE_INTERNAL,
    "calendar_vehicle": "Til besætningen på køretøjet. " + AUDIENCE_INTERNAL,
    "calendar_officer": "Til betjenten selv. " + AUDIENCE_INTERNAL,
    "public": "Til borgerne: må lægges på politiets hjemmeside og sociale medier.",
}
