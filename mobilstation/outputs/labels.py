"""Danish words the outputs show a planner: day names, site kinds, column headers.

One place, so every table, sheet, calendar and map says the same thing. The
plan itself keeps English codes (``"town"``, ``"patrol"``); only what people
read is Danish.
"""

from __future__ import annotations

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
