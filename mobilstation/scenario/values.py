"""Small value parsers of the scenario: weekdays, times of day, shifts, durations, skills, input files.

They live apart from the models because the same parsers serve the YAML
schema, the officers CSV and the command line (``parse_days``), and each
raises :class:`ValueError` saying what was expected, which pydantic turns
into a message naming the field.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from mobilstation.i18n import t

#: Weekday names accepted in ``days`` (Danish and English, full and short),
#: mapped to ISO weekday numbers (1 = Monday).
DAY_NAMES: dict[str, int] = {}
for _num, _names in enumerate(
    (
        ("mandag", "man", "monday", "mon"),
        ("tirsdag", "tir", "tuesday", "tue"),
        ("onsdag", "ons", "wednesday", "wed"),
        ("torsdag", "tor", "thursday", "thu"),
        ("fredag", "fre", "friday", "fri"),
        ("lørdag", "lør", "saturday", "sat"),
        ("søndag", "søn", "sunday", "sun"),
    ),
    start=1,
):
    for _name in _names:
        DAY_NAMES[_name] = _num

_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_clock(text: str) -> int:
    """``"08:00"`` -> 480 (minutes since local midnight). ``"24:00"`` is the day's end."""
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(t("value.clock", got=repr(text)))
    h, mi = int(m.group(1)), int(m.group(2))
    if mi >= 60 or h > 24 or (h == 24 and mi):
        raise ValueError(t("value.clock_range", got=repr(text)))
    return h * 60 + mi


def _fmt_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_days(value: Any) -> list[int]:
    """ISO weekday numbers from numbers or names (``[1, 2]``, ``["mandag", "Tue"]``).

    Returns the days sorted; a day listed twice is an error.
    """
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ValueError(t("value.days", got=repr(value)))
    out: list[int] = []
    for item in value:
        if isinstance(item, bool):
            raise ValueError(t("value.day", got=repr(item)))
        if isinstance(item, int):
            num = item
        elif isinstance(item, str) and item.strip().isdigit():
            num = int(item.strip())
        elif isinstance(item, str):
            key = item.strip().lower().rstrip(".")
            if key not in DAY_NAMES:
                close = difflib.get_close_matches(key, DAY_NAMES, n=1)
                hint = t("scenario.did_you_mean", names=f"'{close[0]}'") if close else ""
                raise ValueError(t("value.day_unknown", got=repr(item), hint=hint))
            num = DAY_NAMES[key]
        else:
            raise ValueError(t("value.day", got=repr(item)))
        if not 1 <= num <= 7:
            raise ValueError(t("value.day_number", got=num))
        if num in out:
            raise ValueError(t("value.day_twice", day=num))
        out.append(num)
    return sorted(out)


def _parse_shift(text: Any) -> str:
    """Canonical ``"HH:MM-HH:MM"``; the end must be after the start."""
    if not isinstance(text, str) or text.count("-") != 1:
        raise ValueError(t("value.shift", got=repr(text)))
    a, b = (p.strip() for p in text.split("-"))
    try:
        start, end = parse_clock(a), parse_clock(b)
    except ValueError:
        raise ValueError(t("value.shift", got=repr(text))) from None
    if end <= start:
        raise ValueError(t("value.shift_order", got=repr(text)))
    return f"{_fmt_clock(start)}-{_fmt_clock(end)}"


_DURATION = re.compile(r"^(?:(\d+)\s*h(?:\s*(\d+)\s*(?:m|min)?)?|(\d+)\s*(?:m|min)|(\d+):(\d{2}))$")


def _parse_duration(value: Any) -> str:
    """A working-time length as canonical ``"H:MM"``.

    Accepts a number of hours (``8``, ``7.5``), ``"8h"``, ``"7h30"``,
    ``"450min"`` or ``"7:30"``. Stored canonical so a dumped scenario loads
    back unchanged.
    """
    if isinstance(value, bool):
        raise ValueError(t("value.hours", got=repr(value)))
    if isinstance(value, (int, float)):
        minutes = round(float(value) * 60)
    elif isinstance(value, str):
        m = _DURATION.match(value.strip().lower())
        if not m:
            raise ValueError(t("value.duration", got=repr(value)))
        if m.group(1) is not None:
            minutes = int(m.group(1)) * 60 + int(m.group(2) or 0)
        elif m.group(3) is not None:
            minutes = int(m.group(3))
        else:
            minutes = int(m.group(4)) * 60 + int(m.group(5))
    else:
        raise ValueError(t("value.hours", got=repr(value)))
    if not 0 < minutes <= 24 * 60:
        raise ValueError(t("value.duration_range", got=repr(value)))
    return f"{minutes // 60}:{minutes % 60:02d}"


def _duration_min(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _skills(value: Any) -> Any:
    """Skills as a list; a string is split on ';' (the officers CSV form)."""
    if isinstance(value, str):
        return [s.strip() for s in value.split(";") if s.strip()]
    return value


def _must_exist(path: Path) -> Path:
    if not path.is_file():
        raise ValueError(t("value.no_file", path=path))
    return path


#: A path to an existing input file. Relative paths have already been made
#: absolute against the directory of the scenario file that names them.
ScenarioFile = Annotated[Path, AfterValidator(_must_exist)]
Days = Annotated[list[int], BeforeValidator(parse_days)]
